#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

#include "core/index/volunteer.h"

namespace yihu::core {

// A cell's skills transposed: for each skill bit, a bit map of the slots whose point holds that skill. A
// skill-filtered scan of a cell reads one word per 64 slots (one bit per point it rejects, instead of the point's
// 8-byte skill set) and walks the set bits to reach the holders.
//
// Layout: row s (skill bit s) is `stride_` consecutive words, word w covering slots 64w .. 64w + 63, so one skill's
// map of a dense cell is a few adjacent lines. Rows exist only up to the highest skill bit any point of this cell
// has held (`width_`); a missing row is all zero. Both dimensions only grow: a cell hovering around a multiple of 64
// points, or a volunteer toggling a skill, never reallocates back and forth.
//
// Invariant (the owner keeps it, tests check it): bit (s, i) is set iff i < the cell's point count and the point in
// slot i holds skill s. In particular every bit at or beyond the point count is zero, so holders() needs no mask.
class SkillSlots {
  public:
    using Word = std::uint64_t;
    static constexpr std::uint32_t kSlotsPerWord = 64;

    // Rows present; skills at or above this bit are held by no point of the cell.
    std::uint32_t width() const { return width_; }
    // Words per row: slots 0 .. 64 * stride() - 1 have a bit.
    std::uint32_t stride() const { return stride_; }
    bool has(std::uint32_t slot, unsigned skill) const {
        if (skill >= width_ || slot / kSlotsPerWord >= stride_) return false;
        return (words_[skill * stride_ + slot / kSlotsPerWord] >> (slot % kSlotsPerWord)) & 1;
    }
    // The address of skill s's word for slots 64w .., or nullptr if no point holds s. For prefetching.
    const Word* row(unsigned skill) const {
        return skill < width_ ? words_.data() + skill * stride_ : nullptr;
    }

    // Slots 64w .. 64w + 63 that hold at least one of `any` (any == 0: no such condition) and all of `all`.
    // w < stride() and (any | all) != 0 (with no skill named every slot would pass, even past the last point).
    // Reads one word per skill the filter names.
    Word holders(std::uint32_t w, SkillSet any, SkillSet all) const {
        const SkillSet present = width_ >= 64 ? ~SkillSet{0} : (SkillSet{1} << width_) - 1;
        if ((all & ~present) != 0) return 0;  // a required skill nobody here holds
        Word m = any == 0 ? ~Word{0} : 0;
        for (SkillSet a = any & present; a != 0; a &= a - 1) m |= words_[std::countr_zero(a) * stride_ + w];
        for (SkillSet a = all; a != 0; a &= a - 1) m &= words_[std::countr_zero(a) * stride_ + w];
        return m;
    }

    // `slot` becomes a point holding `skills`; its bits must all be clear (a new last slot).
    void add(std::uint32_t slot, SkillSet skills) {
        const std::uint32_t need_width = static_cast<std::uint32_t>(std::bit_width(skills));
        if (slot / kSlotsPerWord >= stride_ || need_width > width_) [[unlikely]]
            reserve(slot / kSlotsPerWord + 1, need_width);
        flip(slot, skills);
    }
    // `slot`, holding `from`, now holds `to`.
    void change(std::uint32_t slot, SkillSet from, SkillSet to) {
        const std::uint32_t need_width = static_cast<std::uint32_t>(std::bit_width(to));
        if (need_width > width_) [[unlikely]]
            reserve(stride_, need_width);
        flip(slot, from ^ to);
    }
    // Clears `slot`'s bits; `skills` must be what it holds.
    void clear(std::uint32_t slot, SkillSet skills) { flip(slot, skills); }

  private:
    // Toggles `slot`'s bit in the row of each skill of `skills` (those rows must exist). One word per skill held: a
    // point holds a few of the catalog's skills, so this touches fewer words than a pass over every row (measured:
    // a branch-free pass over all 16 rows made moves across cells slower).
    void flip(std::uint32_t slot, SkillSet skills) {
        const std::size_t w = slot / kSlotsPerWord;
        const Word bit = Word{1} << (slot % kSlotsPerWord);
        for (SkillSet a = skills; a != 0; a &= a - 1) words_[std::size_t{stride_} * std::countr_zero(a) + w] ^= bit;
    }

    // Grows to at least `stride` words per row and `width` rows. Growing the stride moves every row (rare: once per
    // 64 points a cell has ever held at once, doubling); growing the width appends zero rows.
    [[gnu::noinline]] void reserve(std::uint32_t stride, std::uint32_t width) {
        if (stride > stride_) {
            const std::uint32_t grown = std::max(stride, 2 * stride_);
            std::vector<Word> words(static_cast<std::size_t>(width_) * grown, 0);
            for (std::uint32_t s = 0; s < width_; ++s)
                std::copy_n(words_.begin() + s * stride_, stride_, words.begin() + s * grown);
            words_ = std::move(words);
            stride_ = grown;
        }
        if (width > width_) {
            width_ = width;
            words_.resize(static_cast<std::size_t>(width_) * stride_, 0);
        }
    }

    std::vector<Word> words_;  // words_[s * stride_ + w]
    std::uint32_t stride_ = 0;
    std::uint32_t width_ = 0;
};

}  // namespace yihu::core
