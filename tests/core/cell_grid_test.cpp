// CellGrid::cover: every cell a box touches, each listed once, including boxes that wrap across 180.

#include "core/geo/cell_grid.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>

#include "support/test_seed.h"

namespace yihu::core::geo {
namespace {

std::multiset<std::pair<std::uint32_t, std::uint32_t>> cells_of(const CellGrid::Cover& c) {
    std::multiset<std::pair<std::uint32_t, std::uint32_t>> cells;
    for (std::uint32_t row = c.row_lo; row <= c.row_hi; ++row)
        for (std::size_t r = 0; r < c.col_ranges; ++r)
            for (std::uint32_t col = c.col_lo[r]; col <= c.col_hi[r]; ++col) cells.emplace(row, col);
    return cells;
}

TEST(CellGrid, WrappingBoxWhoseEndsShareACellListsItOnce) {
    // 163.84-degree cells: three columns. A polar box from -36 eastward across 180 to -178 has both ends in column 0.
    const CellGrid grid(163.84);
    const LatLngBox box{84.8, 89.7, -36.0, -178.1};
    const CellGrid::Cover cover = grid.cover(box);
    const auto cells = cells_of(cover);
    EXPECT_EQ(cells.size(), std::set(cells.begin(), cells.end()).size()) << "a cell listed twice";
    EXPECT_EQ(cover.cell_count(), cells.size());
    EXPECT_EQ(cells.size(), 3u) << "the box touches every column of its row";
}

TEST(CellGrid, CoverListsEveryTouchedCellExactlyOnce) {
    std::mt19937_64 rng(yihu::testing::test_seed("CellGrid/cover"));
    for (const double size : {2.56, 10.24, 40.96, 163.84}) {  // coarse, so that boxes of any size stay countable
        const CellGrid grid(size);
        for (int i = 0; i < 500; ++i) {
            std::uniform_real_distribution<double> lat(-90, 90), lon(-180, 180);
            double a = lat(rng), b = lat(rng);
            if (a > b) std::swap(a, b);
            const LatLngBox box{a, b, lon(rng), lon(rng)};  // lon_lo > lon_hi: wraps
            const CellGrid::Cover cover = grid.cover(box);
            const auto cells = cells_of(cover);
            ASSERT_EQ(cells.size(), std::set(cells.begin(), cells.end()).size())
                << size << " " << box.lon_lo << ".." << box.lon_hi;
            // Every corner's cell is in the cover.
            for (const double y : {box.lat_lo, box.lat_hi})
                for (const double x : {box.lon_lo, box.lon_hi})
                    ASSERT_TRUE(cover.contains(grid.row_of(y), grid.col_of(x)))
                        << size << " (" << y << ", " << x << ")";
        }
    }
}

}  // namespace
}  // namespace yihu::core::geo
