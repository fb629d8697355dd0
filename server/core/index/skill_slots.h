#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/index/volunteer.h"
#include "core/memory/arena_allocator.h"

namespace yihu::core {

// A cell's skills transposed: for each skill bit, a bit map of the slots whose point holds that skill. A
// skill-filtered scan of a cell reads one 32-bit word per 32 slots (one bit per point it rejects, instead of the
// point's 8-byte skill set) and walks the set bits to reach the holders.
//
// Layout: block w holds, for slots 32w .. 32w + 31, one word per skill bit below `width_` (the highest skill bit
// any point of this cell has held; a skill at or above it is held by nobody here). Blocks, not rows, are
// contiguous, so that a move across cells, which rewrites one slot's bits, touches one block per cell involved:
// with up to 16 skills in use a block is 64 bytes and the buffer starts on a cache line, so that is one line. (Rows
// contiguous made such moves 40-90% slower at 270k-1M: a point's skills fell in up to four lines per cell.) A
// scan reads one word per block. Both dimensions only grow: a cell hovering around a multiple of 32 points, or a
// volunteer toggling a skill, never reallocates back and forth.
//
// Invariant (the owner keeps it, tests check it): bit (s, i) is set iff i < the cell's point count and the point in
// slot i holds skill s. In particular every bit at or beyond the point count is zero, so holders() needs no mask.
class SkillSlots {
  public:
    using Word = std::uint32_t;
    static constexpr std::uint32_t kSlotsPerWord = 32;

    // Words a skill's bit map needs for `points` slots (one per 32).
    static std::uint32_t words_for(std::size_t points) {
        return static_cast<std::uint32_t>((points + kSlotsPerWord - 1) / kSlotsPerWord);
    }

    SkillSlots() = default;
    explicit SkillSlots(const ArenaAllocator<Word>& memory) : words_(memory) {}

    // Skill bits with a word in each block; skills at or above this are held by no point of the cell.
    std::uint32_t width() const { return width_; }
    // Blocks: slots 0 .. 32 * blocks() - 1 have bits.
    std::uint32_t blocks() const { return blocks_; }
    bool has(std::uint32_t slot, unsigned skill) const {
        if (skill >= width_ || slot / kSlotsPerWord >= blocks_) return false;
        return (words_[at(slot / kSlotsPerWord, skill)] >> (slot % kSlotsPerWord)) & 1;
    }
    // Skill s's word in block w (w < blocks()), or nullptr if no point holds s. For prefetching.
    const Word* word(std::uint32_t w, unsigned skill) const {
        return skill < width_ ? words_.data() + at(w, skill) : nullptr;
    }

    // Slots 32w .. 32w + 31 that hold at least one of `any` (any == 0: no such condition) and all of `all`.
    // w < blocks() and (any | all) != 0 (with no skill named every slot would pass, even past the last point).
    // Reads one word per skill the filter names, all in block w.
    Word holders(std::uint32_t w, SkillSet any, SkillSet all) const {
        const SkillSet present = width_ >= 64 ? ~SkillSet{0} : (SkillSet{1} << width_) - 1;
        if ((all & ~present) != 0) return 0;  // a required skill nobody here holds
        const Word* block = words_.data() + at(w, 0);
        Word m = any == 0 ? ~Word{0} : 0;
        for (SkillSet a = any & present; a != 0; a &= a - 1) m |= block[std::countr_zero(a)];
        for (SkillSet a = all; a != 0; a &= a - 1) m &= block[std::countr_zero(a)];
        return m;
    }

    // `slot` becomes a point holding `skills`; its bits must all be clear (a new last slot).
    void add(std::uint32_t slot, SkillSet skills) {
        const auto need_width = static_cast<std::uint32_t>(std::bit_width(skills));
        if (slot / kSlotsPerWord >= blocks_ || need_width > width_) [[unlikely]]
            reserve(slot / kSlotsPerWord + 1, need_width);
        flip(slot, skills);
    }
    // `slot`, holding `from`, now holds `to`.
    void change(std::uint32_t slot, SkillSet from, SkillSet to) {
        const auto need_width = static_cast<std::uint32_t>(std::bit_width(to));
        if (need_width > width_) [[unlikely]]
            reserve(blocks_, need_width);
        flip(slot, from ^ to);
    }
    // Clears `slot`'s bits; `skills` must be what it holds.
    void clear(std::uint32_t slot, SkillSet skills) { flip(slot, skills); }

  private:
    using Words = ArenaVector<Word>;  // whole cache lines, so that a 64-byte block is one line

    std::size_t at(std::size_t w, unsigned skill) const { return w * width_ + skill; }

    // Toggles `slot`'s bit in the word of each skill of `skills` (those words must exist): a point holds a few of
    // the catalog's skills, so this writes a few words of one block.
    void flip(std::uint32_t slot, SkillSet skills) {
        if (skills == 0) return;  // also keeps an empty buffer's null data() out of the arithmetic
        Word* block = words_.data() + at(slot / kSlotsPerWord, 0);
        const Word bit = Word{1} << (slot % kSlotsPerWord);
        for (SkillSet a = skills; a != 0; a &= a - 1) block[std::countr_zero(a)] ^= bit;
    }

    // Grows to at least `blocks` blocks and `width` words per block. New blocks are appended (amortized by the
    // vector); a wider block moves every block (rare: a skill bit this cell has never seen).
    [[gnu::noinline]] void reserve(std::uint32_t blocks, std::uint32_t width) {
        if (width > width_) {
            Words words(std::size_t{blocks_} * width, 0, words_.get_allocator());
            for (std::uint32_t w = 0; w < blocks_; ++w)
                std::copy_n(words_.begin() + static_cast<std::ptrdiff_t>(at(w, 0)), width_,
                            words.begin() + static_cast<std::ptrdiff_t>(std::size_t{w} * width));
            words_ = std::move(words);
            width_ = width;
        }
        if (blocks > blocks_) {
            blocks_ = blocks;
            words_.resize(std::size_t{blocks_} * width_, 0);
        }
    }

    Words words_;  // words_[w * width_ + s]
    std::uint32_t blocks_ = 0;
    std::uint32_t width_ = 0;
};

}  // namespace yihu::core
