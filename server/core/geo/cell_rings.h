#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "core/geo/cell_grid.h"
#include "core/geo/lat_lng.h"
#include "core/geo/sphere.h"

namespace yihu::core::geo {

// A cover's cells in rings around the cell holding `center`: ring r is the cells at Chebyshev distance r (in rows
// and columns) from it. A nearest-k scan reads ring by ring and stops once its k-th best is nearer than beyond(r),
// a lower bound on the squared chord from `center` to any point in the rings after r.
//
// Only for covers that usable() accepts: one column range of at most 90 degrees, touching neither column 0 (which
// also holds longitude 180) nor the last column, nor the polar rows. Longitudes are then plain differences.
class CellRings {
  public:
    static bool usable(const CellGrid& grid, const CellGrid::Cover& cover) {
        return cover.col_ranges == 1 && cover.col_lo[0] > 0 && cover.col_hi[0] + 1 < grid.cols() && cover.row_lo > 0 &&
               cover.row_hi + 1 < grid.rows() && (cover.col_hi[0] - cover.col_lo[0] + 1) * grid.cell_deg() <= 90.0;
    }

    CellRings(const CellGrid& grid, LatLng center, const CellGrid::Cover& cover)
        : size_(grid.cell_deg()),
          center_(center),
          row_(grid.row_of(center.lat)),
          col_(grid.col_of(center.lon)),
          row_lo_(cover.row_lo),
          row_hi_(cover.row_hi),
          col_lo_(cover.col_lo[0]),
          col_hi_(cover.col_hi[0]) {
        last_ = std::max({row_ - row_lo_, row_hi_ - row_, col_ - col_lo_, col_hi_ - col_});
        // Every point of the cover has |lat| <= the larger |edge| of its rows, hence cos(lat) >= cos_far_.
        const double far = std::max(std::abs(lat_edge(row_lo_)), std::abs(lat_edge(row_hi_ + 1)));
        cos_product_ = std::cos(center.lat * kDegToRad) * std::cos(std::min(far, 90.0) * kDegToRad);
    }

    std::uint32_t last() const { return static_cast<std::uint32_t>(last_); }

    // Calls visit(row, col) for every cell of ring r inside the cover.
    template <class Visit>
    void for_each_cell(std::uint32_t ring, Visit&& visit) const {
        const std::int64_t r = ring;
        const std::int64_t lo_row = std::max(row_ - r, row_lo_), hi_row = std::min(row_ + r, row_hi_);
        const std::int64_t lo_col = std::max(col_ - r, col_lo_), hi_col = std::min(col_ + r, col_hi_);
        for (std::int64_t row = lo_row; row <= hi_row; ++row) {
            const bool edge_row = row == row_ - r || row == row_ + r;
            for (std::int64_t col = lo_col; col <= hi_col; ++col) {
                if (!edge_row && col != col_ - r && col != col_ + r) {
                    col = col_ + r - 1;  // skip the inside of the ring
                    continue;
                }
                visit(static_cast<std::uint32_t>(row), static_cast<std::uint32_t>(col));
            }
        }
    }

    // A lower bound on chord2(center, p) for every point p in a cover cell of a ring after `ring`: such a cell lies
    // beyond the block of rings 0..ring in latitude (then the distance is at least the latitude gap) or in longitude
    // (then, by the haversine formula, chord^2 >= 4 cos(lat_c) cos(lat_p) sin^2(dlon / 2)). Shrunk by a margin far
    // larger than the rounding of cell edges and of chord2(), so that it never exceeds a computed chord2.
    double beyond(std::uint32_t ring) const {
        const std::int64_t r = ring;
        constexpr double kNone = std::numeric_limits<double>::infinity();
        double dlat = kNone, dlon = kNone;
        if (row_ - r > row_lo_) dlat = center_.lat - lat_edge(row_ - r);
        if (row_ + r < row_hi_) dlat = std::min(dlat, lat_edge(row_ + r + 1) - center_.lat);
        if (col_ - r > col_lo_) dlon = center_.lon - lon_edge(col_ - r);
        if (col_ + r < col_hi_) dlon = std::min(dlon, lon_edge(col_ + r + 1) - center_.lon);
        double bound = kNone;
        if (dlat != kNone) bound = half_chord2(dlat);
        if (dlon != kNone) bound = std::min(bound, cos_product_ * half_chord2(dlon));
        if (bound == kNone) return bound;
        return bound * (1.0 - 1e-6) - 1e-18;
    }

  private:
    double lat_edge(std::int64_t row) const { return -90.0 + static_cast<double>(row) * size_; }
    double lon_edge(std::int64_t col) const { return -180.0 + static_cast<double>(col) * size_; }
    // 4 sin^2(d / 2) for an angle of d degrees (negative d, from rounding at an edge, counts as 0).
    static double half_chord2(double deg) {
        const double s = std::sin(std::max(deg, 0.0) * kDegToRad * 0.5);
        return 4.0 * s * s;
    }

    double size_;
    LatLng center_;
    std::int64_t row_, col_;
    std::int64_t row_lo_, row_hi_, col_lo_, col_hi_;
    std::int64_t last_ = 0;
    double cos_product_ = 0;
};

}  // namespace yihu::core::geo
