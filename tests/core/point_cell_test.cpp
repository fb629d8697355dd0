// PointCell and its SkillSlots: after any sequence of appends, swap-removes and skill changes, the per-skill bit maps
// say exactly which slots hold which skill (and nothing at or beyond the point count), and holders() answers every
// any/all filter as a plain test of each point's skill set would.

#include "core/index/point_cell.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "support/test_seed.h"

namespace yihu::core {
namespace {

// Skill sets as the catalog hands them out: mostly low bits, sometimes none, now and then the top bit (so a cell's
// row count grows in steps, up to all 64).
SkillSet random_skills(std::mt19937_64& rng) {
    SkillSet s = 0;
    const int count = std::uniform_int_distribution<int>(0, 4)(rng);
    for (int i = 0; i < count; ++i) {
        const bool high = std::uniform_int_distribution<int>(0, 15)(rng) == 0;
        const int b =
            high ? std::uniform_int_distribution<int>(8, 63)(rng) : std::uniform_int_distribution<int>(0, 7)(rng);
        s |= SkillSet{1} << b;
    }
    return s;
}

// Every bit of every row equals the point's skill set; bits past the last point are clear.
void expect_bits_match(const PointCell& cell, const std::string& when) {
    const SkillSlots& bits = cell.skill_slots;
    ASSERT_GE(std::uint64_t{bits.blocks()} * SkillSlots::kSlotsPerWord, cell.size()) << when;
    for (std::uint32_t slot = 0; slot < bits.blocks() * SkillSlots::kSlotsPerWord; ++slot) {
        const SkillSet want = slot < cell.size() ? cell.points[slot].skills : 0;
        for (unsigned s = 0; s < 64; ++s) {
            ASSERT_EQ(bits.has(slot, s), ((want >> s) & 1) != 0)
                << when << ": slot " << slot << " skill " << s << " (" << cell.size() << " points)";
        }
    }
    for (unsigned s = bits.width(); s < 64; ++s) EXPECT_EQ(bits.word(0, s), nullptr) << when;
}

// holders() for a filter equals the slots whose skills pass it. A filter naming no skill is not asked (holders()
// requires one; scans without a skill condition do not read the bit maps).
void expect_holders_match(const PointCell& cell, SkillSet any, SkillSet all, const std::string& when) {
    if ((any | all) == 0) return;
    const std::uint32_t words = (cell.size() + SkillSlots::kSlotsPerWord - 1) / SkillSlots::kSlotsPerWord;
    for (std::uint32_t w = 0; w < words; ++w) {
        SkillSlots::Word want = 0;
        for (std::uint32_t i = 0; i < SkillSlots::kSlotsPerWord; ++i) {
            const std::uint32_t slot = w * SkillSlots::kSlotsPerWord + i;
            if (slot >= cell.size()) break;
            const SkillSet s = cell.points[slot].skills;
            if ((any == 0 || (s & any) != 0) && (s & all) == all) want |= SkillSlots::Word{1} << i;
        }
        ASSERT_EQ(cell.skill_slots.holders(w, any, all), want)
            << when << ": word " << w << " any " << any << " all " << all;
    }
}

TEST(PointCell, SkillBitsFollowAppendRemoveAndSetSkills) {
    std::mt19937_64 rng(testing::test_seed("PointCell/skill_bits"));
    HugePageArena memory;
    for (int round = 0; round < 20; ++round) {
        // Odd rounds keep the arrays in an arena, as the index does; even rounds in operator new.
        PointCell cell(0, 0, round % 2 == 1 ? &memory : nullptr);
        VolunteerId next_id = 0;
        // Grow past several words, shrink back to empty and grow again, so that swap-removes cross word boundaries
        // and the maps keep their grown size while the cell is small.
        const int target[] = {150, 3, 200, 0, 70};
        for (const int size : target) {
            for (int step = 0; step < 400; ++step) {
                const int op = std::uniform_int_distribution<int>(0, 9)(rng);
                const bool grow = static_cast<int>(cell.size()) < size;
                if (cell.empty() || (grow && op < 7) || (!grow && op < 2)) {
                    CellPoint p{};
                    p.id = next_id++;
                    p.skills = random_skills(rng);
                    const std::uint32_t slot = cell.append(p);
                    ASSERT_EQ(slot + 1, cell.size());
                } else if (op < 8) {
                    const auto slot = std::uniform_int_distribution<std::uint32_t>(0, cell.size() - 1)(rng);
                    const VolunteerId last = cell.points.back().id;
                    const VolunteerId removed = cell.points[slot].id;
                    const VolunteerId now_there = cell.remove(slot);
                    ASSERT_EQ(now_there, slot < cell.size() ? last : removed);
                } else {
                    const auto slot = std::uniform_int_distribution<std::uint32_t>(0, cell.size() - 1)(rng);
                    cell.set_skills(slot, random_skills(rng));
                }
                expect_bits_match(cell, "round " + std::to_string(round) + " step " + std::to_string(step));
                if (step % 16 == 0) {
                    const SkillSet any = random_skills(rng);
                    const SkillSet all = std::uniform_int_distribution<int>(0, 2)(rng) == 0 ? random_skills(rng) : 0;
                    expect_holders_match(cell, any, all, "round " + std::to_string(round));
                    expect_holders_match(cell, any, 0, "round " + std::to_string(round));
                    expect_holders_match(cell, 0, all, "round " + std::to_string(round));
                }
            }
            if (size == 0) {
                while (!cell.empty()) cell.remove(0);
                expect_bits_match(cell, "emptied");
            }
        }
    }
}

TEST(PointCell, RequiredSkillNoPointHoldsMatchesNobody) {
    PointCell cell(0, 0);
    for (VolunteerId id = 0; id < 100; ++id) {
        CellPoint p{};
        p.id = id;
        p.skills = 0b11;
        cell.append(p);
    }
    // Bit 40 has no row in this cell: "all of {0, 40}" is nobody, "any of {0, 40}" is everybody.
    const SkillSet missing = SkillSet{1} << 40;
    const SkillSlots::Word every = ~SkillSlots::Word{0};
    EXPECT_EQ(cell.skill_slots.word(0, 40), nullptr);
    EXPECT_EQ(cell.skill_slots.holders(0, 0, 1 | missing), 0u);
    EXPECT_EQ(cell.skill_slots.holders(0, 1 | missing, 0), every);
    // Slots 96 .. 99 in the fourth block; nothing past the last point.
    EXPECT_EQ(cell.skill_slots.holders(3, 1 | missing, 0), SkillSlots::Word{0b1111});
    // A filter on every skill bit, once some point holds bit 63 (the row count reaches 64).
    cell.set_skills(99, ~SkillSet{0});
    EXPECT_EQ(cell.skill_slots.width(), 64u);
    EXPECT_EQ(cell.skill_slots.holders(3, 0, ~SkillSet{0}), SkillSlots::Word{0b1000});
    EXPECT_EQ(cell.skill_slots.holders(2, 0, ~SkillSet{0}), 0u);
}

}  // namespace
}  // namespace yihu::core
