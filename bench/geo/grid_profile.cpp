#include "grid_profile.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <vector>

#include "bench_constants.h"
#include "core/geo/cell_grid.h"
#include "core/geo/sphere.h"

namespace yihu::bench {

namespace {

struct QueryFootprint {
    std::size_t cells = 0, read = 0, inside = 0, skilled = 0;
};

class PointsByCell {
  public:
    PointsByCell(const Dataset& data, double cell_deg) : data_(data), grid_(cell_deg) {
        for (const Volunteer& v : data.volunteers)
            cells_[grid_.key(grid_.row_of(v.position.lat), grid_.col_of(v.position.lon))].push_back(v.id);
    }

    QueryFootprint footprint(const core::geo::Circle& circle) const {
        QueryFootprint f;
        const core::geo::CellGrid::Cover cover = grid_.cover(circle.bounds());
        for (std::uint32_t row = cover.row_lo; row <= cover.row_hi; ++row) {
            for (std::size_t r = 0; r < cover.col_ranges; ++r) {
                for (std::uint32_t col = cover.col_lo[r]; col <= cover.col_hi[r]; ++col) {
                    const auto it = cells_.find(grid_.key(row, col));
                    if (it == cells_.end()) continue;
                    ++f.cells;
                    f.read += it->second.size();
                    for (core::VolunteerId id : it->second) {
                        const Volunteer& v = data_.volunteers[id];
                        if (!circle.contains(core::geo::to_unit(v.position))) continue;
                        ++f.inside;
                        f.skilled += (v.skills & kSkillUnderTest) != 0;
                    }
                }
            }
        }
        return f;
    }

    const std::unordered_map<std::uint64_t, std::vector<core::VolunteerId>>& cells() const { return cells_; }

  private:
    const Dataset& data_;
    core::geo::CellGrid grid_;
    std::unordered_map<std::uint64_t, std::vector<core::VolunteerId>> cells_;
};

}  // namespace

GridProfile profile_grid(const Dataset& data, const Workload& w, double cell_deg, std::size_t knn_queries,
                         std::size_t circle_queries) {
    GridProfile p;
    p.cell_deg = cell_deg;
    const PointsByCell grid(data, cell_deg);
    p.occupied_cells = grid.cells().size();
    for (const auto& [key, ids] : grid.cells()) p.max_per_cell = std::max(p.max_per_cell, ids.size());
    p.mean_per_cell = static_cast<double>(data.size) / static_cast<double>(std::max<std::size_t>(p.occupied_cells, 1));

    const std::size_t nk = std::min(knn_queries, w.knn_circles.size());
    std::vector<double> reads;
    for (std::size_t i = 0; i < nk; ++i) {
        const QueryFootprint f = grid.footprint(w.knn_circles[i]);
        p.knn_cells += static_cast<double>(f.cells);
        p.knn_read += static_cast<double>(f.read);
        p.knn_inside += static_cast<double>(f.inside);
        p.knn_skilled += static_cast<double>(f.skilled);
        reads.push_back(static_cast<double>(f.read));
    }
    if (nk > 0) {
        const double n = static_cast<double>(nk);
        p.knn_cells /= n;
        p.knn_read /= n;
        p.knn_inside /= n;
        p.knn_skilled /= n;
        std::sort(reads.begin(), reads.end());
        p.knn_read_p99 = reads[static_cast<std::size_t>(0.99 * static_cast<double>(nk - 1) + 0.5)];
    }
    const std::size_t nc = std::min(circle_queries, w.big_circles.size());
    for (std::size_t i = 0; i < nc; ++i) {
        const QueryFootprint f = grid.footprint(w.big_circles[i]);
        p.circle_read += static_cast<double>(f.read) / static_cast<double>(nc);
        p.circle_inside += static_cast<double>(f.inside) / static_cast<double>(nc);
    }
    std::size_t changed = 0;
    const core::geo::CellGrid cells(cell_deg);
    for (const MoveInput& m : w.near_moves) {
        changed +=
            cells.row_of(m.from.lat) != cells.row_of(m.to.lat) || cells.col_of(m.from.lon) != cells.col_of(m.to.lon);
    }
    if (!w.near_moves.empty())
        p.near_moves_changing_cell = static_cast<double>(changed) / static_cast<double>(w.near_moves.size());
    return p;
}

std::string describe(const GridProfile& p) {
    char buf[640];
    std::snprintf(buf, sizeof buf,
                  "yihu grid %.4g deg: %zu occupied cells, %.0f volunteers per occupied cell on average (max %zu)\n"
                  "  knn100_1km reads %.1f cells = %.0f points (p99 %.0f) to find %.0f inside 1 km, %.1f with the "
                  "skill\n"
                  "  circle_5km reads %.0f points to return %.0f\n"
                  "  update_near: %.1f%% of the moves (up to 50 m) cross into another cell",
                  p.cell_deg, p.occupied_cells, p.mean_per_cell, p.max_per_cell, p.knn_cells, p.knn_read,
                  p.knn_read_p99, p.knn_inside, p.knn_skilled, p.circle_read, p.circle_inside,
                  100.0 * p.near_moves_changing_cell);
    return buf;
}

}  // namespace yihu::bench
