// CellRings: the rings cover every cell of the cover exactly once, and beyond(r) never exceeds the squared chord to
// a point of a later ring (the nearest-k early stop is exact only if this holds).

#include "core/geo/cell_rings.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "core/geo/circle.h"
#include "support/test_seed.h"

namespace yihu::core::geo {
namespace {

TEST(CellRings, VisitEveryCellOfTheCoverOnceInRingOrder) {
    std::mt19937_64 rng(testing::test_seed("CellRings/visit"));
    const CellGrid grid(0.005);
    for (int q = 0; q < 200; ++q) {
        const LatLng center{std::uniform_real_distribution<double>(-60, 60)(rng),
                            std::uniform_real_distribution<double>(-170, 170)(rng)};
        const double radius = std::uniform_real_distribution<double>(0, 5000)(rng);
        const CellGrid::Cover cover = grid.cover(Circle::make(center, radius).value().bounds());
        ASSERT_TRUE(CellRings::usable(grid, cover));
        const CellRings rings(grid, center, cover);
        std::map<std::pair<std::uint32_t, std::uint32_t>, int> seen;
        for (std::uint32_t r = 0; r <= rings.last(); ++r) {
            rings.for_each_cell(r, [&](std::uint32_t row, std::uint32_t col) {
                const auto dr = std::abs(static_cast<std::int64_t>(row) - grid.row_of(center.lat));
                const auto dc = std::abs(static_cast<std::int64_t>(col) - grid.col_of(center.lon));
                EXPECT_EQ(std::max(dr, dc), static_cast<std::int64_t>(r)) << "cell in the wrong ring";
                ++seen[{row, col}];
            });
        }
        EXPECT_EQ(static_cast<std::uint64_t>(seen.size()), cover.cell_count());
        for (const auto& [cell, times] : seen) {
            EXPECT_TRUE(cover.contains(cell.first, cell.second));
            EXPECT_EQ(times, 1);
        }
    }
}

TEST(CellRings, BeyondIsALowerBoundForEveryLaterRing) {
    std::mt19937_64 rng(testing::test_seed("CellRings/beyond"));
    for (const double cell_deg : {0.005, 0.05, 1.0}) {
        const CellGrid grid(cell_deg);
        for (int q = 0; q < 100; ++q) {
            // Up to 80 degrees of latitude, where longitude gaps shrink the most.
            const LatLng center{std::uniform_real_distribution<double>(-80, 80)(rng),
                                std::uniform_real_distribution<double>(-170, 170)(rng)};
            const double radius = std::uniform_real_distribution<double>(0, 10 * cell_deg * 111'000)(rng);
            const CellGrid::Cover cover = grid.cover(Circle::make(center, radius).value().bounds());
            if (!CellRings::usable(grid, cover)) continue;
            const CellRings rings(grid, center, cover);
            const UnitVec c = to_unit(center);
            std::uniform_real_distribution<double> within(0, 1);
            for (std::uint32_t r = 0; r < rings.last(); ++r) {
                const double bound = rings.beyond(r);
                for (std::uint32_t later = r + 1; later <= rings.last(); ++later) {
                    rings.for_each_cell(later, [&](std::uint32_t row, std::uint32_t col) {
                        // The cell's corners and edges' nearest points are where a violation would show first.
                        for (int i = 0; i < 6; ++i) {
                            const double fy = i < 2 ? i : within(rng);
                            const double fx = i < 2 ? within(rng) : (i < 4 ? i - 2 : within(rng));
                            const LatLng p{-90.0 + (row + fy) * cell_deg, -180.0 + (col + fx) * cell_deg};
                            ASSERT_LE(bound, chord2(to_unit(p), c)) << "ring " << r << " cell " << row << "," << col
                                                                    << " centre " << center.lat << "," << center.lon;
                        }
                    });
                }
            }
        }
    }
}

}  // namespace
}  // namespace yihu::core::geo
