#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/geo/lat_lng_box.h"

namespace yihu::core::geo {

// A fixed latitude/longitude grid over the whole globe. Cell (row, col) covers
// lat [-90 + row * size, -90 + (row + 1) * size) and lon [-180 + col * size, -180 + (col + 1) * size).
// Latitude 90 falls in the top row; longitude 180 is the same meridian as -180 and falls in column 0.
class CellGrid {
  public:
    explicit CellGrid(double cell_deg)
        : size_(cell_deg),
          rows_(static_cast<std::uint32_t>(std::ceil(180.0 / cell_deg))),
          cols_(static_cast<std::uint32_t>(std::ceil(360.0 / cell_deg))) {}

    double cell_deg() const { return size_; }
    std::uint32_t rows() const { return rows_; }
    std::uint32_t cols() const { return cols_; }

    std::uint32_t row_of(double lat) const {
        const auto r = static_cast<std::int64_t>((lat + 90.0) / size_);
        return static_cast<std::uint32_t>(std::clamp<std::int64_t>(r, 0, rows_ - 1));
    }
    std::uint32_t col_of(double lon) const {
        auto c = static_cast<std::int64_t>((lon + 180.0) / size_);
        if (c >= cols_) c = 0;  // lon 180 is lon -180
        return static_cast<std::uint32_t>(std::max<std::int64_t>(c, 0));
    }
    std::uint64_t key(std::uint32_t row, std::uint32_t col) const {
        return static_cast<std::uint64_t>(row) * cols_ + col;
    }

    // The cells a box touches, as a row range and one to three column ranges (inclusive). Column 0 is added for a
    // range that reaches longitude 180, since points on that meridian live there.
    struct Cover {
        std::uint32_t row_lo = 0, row_hi = 0;
        std::uint32_t col_lo[3] = {0, 0, 0};
        std::uint32_t col_hi[3] = {0, 0, 0};
        std::size_t col_ranges = 0;

        std::uint64_t cell_count() const {
            std::uint64_t cols = 0;
            for (std::size_t i = 0; i < col_ranges; ++i) cols += col_hi[i] - col_lo[i] + 1;
            return cols * (row_hi - row_lo + 1);
        }
        bool contains(std::uint32_t row, std::uint32_t col) const {
            if (row < row_lo || row > row_hi) return false;
            for (std::size_t i = 0; i < col_ranges; ++i) {
                if (col >= col_lo[i] && col <= col_hi[i]) return true;
            }
            return false;
        }
    };

    Cover cover(const LatLngBox& box) const {
        Cover c;
        c.row_lo = row_of(box.lat_lo);
        c.row_hi = row_of(box.lat_hi);
        if (box.full_longitude()) {
            c.col_lo[0] = 0;
            c.col_hi[0] = cols_ - 1;
            c.col_ranges = 1;
            return c;
        }
        std::array<LonRange, 2> ranges;
        const std::size_t n = box.lon_ranges(ranges);
        bool needs_col0 = false;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t lo = col_of(ranges[i].lo);
            const std::uint32_t hi = ranges[i].hi >= 180.0 ? cols_ - 1 : col_of(ranges[i].hi);
            needs_col0 = needs_col0 || ranges[i].hi >= 180.0;
            c.col_lo[c.col_ranges] = std::min(lo, hi);
            c.col_hi[c.col_ranges] = std::max(lo, hi);
            ++c.col_ranges;
        }
        // A box wrapping across 180 whose two ends fall in one cell (coarse cells, or nearly all the way round)
        // gives overlapping ranges: merged, so that no cell is listed twice (a caller would add or visit it twice).
        if (c.col_ranges == 2 && c.col_lo[1] <= c.col_hi[0] && c.col_lo[0] <= c.col_hi[1]) {
            c.col_lo[0] = std::min(c.col_lo[0], c.col_lo[1]);
            c.col_hi[0] = std::max(c.col_hi[0], c.col_hi[1]);
            c.col_ranges = 1;
        }
        if (needs_col0 && !c.contains(c.row_lo, 0)) {
            c.col_lo[c.col_ranges] = 0;
            c.col_hi[c.col_ranges] = 0;
            ++c.col_ranges;
        }
        return c;
    }

  private:
    double size_;
    std::uint32_t rows_;
    std::uint32_t cols_;
};

}  // namespace yihu::core::geo
