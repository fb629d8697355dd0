#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "core/index/point_cell.h"
#include "core/index/volunteer_filter.h"

namespace yihu::core {

// The filter as branch-free tests: at ~10% skill holders a chain of short-circuit branches mispredicts often, and
// these run once for every point a query reads. Teams are not tested here (they live in the volunteer's record).
struct PointTest {
    std::int64_t cutoff;
    SkillSet any;
    SkillSet all;
    std::uint8_t min_tier;
    bool duty_only;

    PointTest(const VolunteerFilter& f, std::int64_t fresh_cutoff)
        : cutoff(fresh_cutoff),
          any(f.skills_any),
          all(f.skills_all),
          min_tier(static_cast<std::uint8_t>(f.min_tier)),
          duty_only(f.on_duty_only) {}

    bool tests_skills() const { return (any | all) != 0; }
    // Everything but the skills.
    bool rest(const CellPoint& p) const {
        return (p.updated_ms >= cutoff) & (static_cast<std::uint8_t>(p.tier) >= min_tier) &
               (!duty_only | (p.availability == Availability::kOnDuty));
    }
};

// Starts loading the first lines a scan of `cell` will read, so that the misses of a batch of cells overlap
// instead of queueing one after another behind each scan. A few lines per cell: prefetching every line of every
// cell floods the miss queue (measured, bench/RESULTS.md). A skill-filtered scan starts with the first blocks' word
// of the lowest skill the filter names (usually the only one).
inline void prefetch_cell(const PointCell& cell, const PointTest& test) {
    if (test.tests_skills()) {
        const unsigned skill = static_cast<unsigned>(std::countr_zero(test.any != 0 ? test.any : test.all));
        const std::uint32_t words = std::min<std::uint32_t>(SkillSlots::words_for(cell.size()), 2);
        for (std::uint32_t w = 0; w < words; ++w) {
            const SkillSlots::Word* word = cell.skill_slots.word(w, skill);
            if (word == nullptr) return;
            __builtin_prefetch(word);
        }
        return;
    }
    const std::size_t lines = std::min<std::size_t>(cell.points.size(), 4);
    for (std::size_t i = 0; i < lines; ++i) __builtin_prefetch(&cell.points[i]);
}

// Calls emit(point, c2) for every point of `cells` that passes `test` and lies in the shape: shape(point) returns
// the squared chord to rank the point by, or a negative value if the point is outside.
//
// With a skill filter the cells' skill bit maps are read first (one bit per point) and only the holders' lines are
// then loaded, all of a batch's holders prefetched a fixed distance ahead, so their misses overlap. Holders are
// visited in slot order, as a plain scan would.
template <class Shape, class Emit>
void scan_cells(std::span<const PointCell* const> cells, const PointTest& test, Shape&& shape, Emit&& emit) {
    if (!test.tests_skills()) {
        for (const PointCell* cell : cells) {
            for (const CellPoint& p : cell->points) {
                if (!test.rest(p)) continue;
                const double c2 = shape(p);
                if (c2 >= 0) emit(p, c2);
            }
        }
        return;
    }
    thread_local std::vector<const CellPoint*> picked;
    std::size_t n = 0;
    for (const PointCell* cell : cells) {
        const std::size_t size = cell->size();
        if (picked.size() < n + size) picked.resize(std::max(n + size, 2 * picked.size()));
        const CellPoint* points = cell->points.data();
        const std::uint32_t words = SkillSlots::words_for(size);
        for (std::uint32_t w = 0; w < words; ++w) {
            const CellPoint* base = points + std::size_t{w} * SkillSlots::kSlotsPerWord;
            for (SkillSlots::Word m = cell->skill_slots.holders(w, test.any, test.all); m != 0; m &= m - 1)
                picked[n++] = base + std::countr_zero(m);
        }
    }
    constexpr std::size_t kAhead = 16;
    for (std::size_t i = 0; i < std::min(n, kAhead); ++i) __builtin_prefetch(picked[i]);
    for (std::size_t i = 0; i < n; ++i) {
        if (i + kAhead < n) __builtin_prefetch(picked[i + kAhead]);
        const CellPoint& p = *picked[i];
        if (!test.rest(p)) continue;
        const double c2 = shape(p);
        if (c2 >= 0) emit(p, c2);
    }
}

}  // namespace yihu::core
