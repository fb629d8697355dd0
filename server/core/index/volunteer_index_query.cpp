// VolunteerIndex queries: which cells to read, in what order, and when a nearest-k scan may stop.

#include <algorithm>
#include <array>

#include "core/geo/cell_rings.h"
#include "core/index/cell_scan.h"
#include "core/index/volunteer_index.h"

namespace yihu::core {

using geo::LatLng;
using geo::UnitVec;

namespace {

// By distance, then id. An object rather than a function, so that nth_element and sort inline it.
constexpr auto closer = [](const Match& a, const Match& b) {
    return a.distance_m < b.distance_m || (a.distance_m == b.distance_m && a.id < b.id);
};

// Shapes for scan_cells: the squared chord a point is ranked by, or -1 if it is outside.
struct InCircle {
    UnitVec center;
    double limit;  // chord2 of the radius; a nearest-k scan lowers it to its k-th best
    double operator()(const CellPoint& p) const {
        const double c2 = geo::chord2(p.unit, center);
        return c2 <= limit ? c2 : -1.0;
    }
};
// A circle whose points are ranked from another point (an alert's centre inside a dispatcher's drawn circle).
struct InCircleRankedFrom {
    UnitVec center;
    double limit;
    UnitVec rank_from;
    double operator()(const CellPoint& p) const {
        return geo::chord2(p.unit, center) <= limit ? geo::chord2(p.unit, rank_from) : -1.0;
    }
};
struct InPolygon {
    const geo::Polygon& polygon;
    UnitVec reference;
    double operator()(const CellPoint& p) const {
        return polygon.contains(p.latlng) ? geo::chord2(p.unit, reference) : -1.0;
    }
};
// One part of a union: only the points that part owns, so a part-by-part scan reports each point once.
struct InUnionPart {
    const geo::AreaUnion& shapes;
    std::size_t part;
    UnitVec reference;
    double operator()(const CellPoint& p) const {
        return shapes.owns(part, p.unit, p.latlng) ? geo::chord2(p.unit, reference) : -1.0;
    }
};

}  // namespace

// Calls visit(span of cells) for every existing cell the box touches, in batches. When the box spans more grid cells
// than exist (a 300 km ring over a city), walking the list of existing cells is cheaper than probing empty ones, so
// the cost is bounded by min(cells in box, cells in use) plus the points read.
//
// A batch's cells are looked up and their first lines prefetched before any is scanned: on a cold cache each cell
// costs a few dependent misses, and gathering first lets the misses of neighbouring cells overlap.
template <class Visit>
void VolunteerIndex::for_each_cell_batch(const geo::LatLngBox& box, const PointTest& test, Visit&& visit) const {
    constexpr std::size_t kBatch = 32;
    std::array<const PointCell*, kBatch> batch;
    std::size_t pending = 0;
    auto add = [&](const PointCell& cell) {
        prefetch_cell(cell, test);
        batch[pending++] = &cell;
        if (pending == kBatch) {
            visit(std::span<const PointCell* const>(batch.data(), pending));
            pending = 0;
        }
    };
    const geo::CellGrid::Cover cover = grid_.cover(box);
    if (cover.cell_count() > cells_.size()) {
        for (const PointCell& cell : cells_) {
            if (!cell.empty() && cover.contains(cell.row, cell.col)) add(cell);
        }
    } else {
        for (std::uint32_t row = cover.row_lo; row <= cover.row_hi; ++row) {
            for (std::size_t r = 0; r < cover.col_ranges; ++r) {
                for (std::uint32_t col = cover.col_lo[r]; col <= cover.col_hi[r]; ++col) {
                    const std::uint32_t n = cell_numbers_.find(grid_.key(row, col));
                    if (n != geo::FlatCellMap::kAbsent && !cells_[n].empty()) add(cells_[n]);
                }
            }
        }
    }
    if (pending > 0) visit(std::span<const PointCell* const>(batch.data(), pending));
}

template <class Shape, class Emit>
void VolunteerIndex::scan(const geo::LatLngBox& box, const VolunteerFilter& filter, Time now, Shape&& shape,
                          Emit&& emit) const {
    const PointTest test(filter, fresh_cutoff(now));
    auto emit_member = [&](const CellPoint& p, double c2) {
        if (filter.team && !filter.admits_teams(records_[p.id].profile.teams)) return;
        emit(p.id, c2);
    };
    for_each_cell_batch(box, test,
                        [&](std::span<const PointCell* const> cells) { scan_cells(cells, test, shape, emit_member); });
}

// Nearest-k over the cover's cells ring by ring around the centre's cell, keeping only the k best so far, and
// stopping once the k-th best is nearer than anything in the rings not yet read: in a dense spot the first two or
// three rings hold the answer and the rest of the cover is never read. The next ring's cells are looked up and
// prefetched before the current one is scanned, so cells' misses still overlap. Returns false (and does nothing)
// for covers CellRings cannot order; the caller then scans the whole cover.
bool VolunteerIndex::nearest_by_rings(const geo::Circle& circle, const VolunteerFilter& filter, std::size_t k, Time now,
                                      std::vector<Match>& out) const {
    const geo::CellGrid::Cover cover = grid_.cover(circle.bounds());
    if (cover.cell_count() > cells_.size() || !geo::CellRings::usable(grid_, cover)) return false;
    const geo::CellRings rings(grid_, circle.center(), cover);
    const PointTest test(filter, fresh_cutoff(now));
    InCircle shape{circle.center_unit(), circle.chord2_limit()};
    auto emit = [&](const CellPoint& p, double c2) {
        if (filter.team && !filter.admits_teams(records_[p.id].profile.teams)) return;
        out.push_back(Match{p.id, c2});
    };
    thread_local std::vector<const PointCell*> current, next;
    auto gather = [&](std::uint32_t ring, std::vector<const PointCell*>& into) {
        into.clear();
        rings.for_each_cell(ring, [&](std::uint32_t row, std::uint32_t col) {
            const std::uint32_t n = cell_numbers_.find(grid_.key(row, col));
            if (n == geo::FlatCellMap::kAbsent || cells_[n].empty()) return;
            prefetch_cell(cells_[n], test);
            into.push_back(&cells_[n]);
        });
    };
    gather(0, current);
    for (std::uint32_t ring = 0; ring <= rings.last(); ++ring) {
        if (ring < rings.last()) gather(ring + 1, next);
        scan_cells(current, test, shape, emit);
        if (out.size() >= k) {
            // Only the k best so far can still be in the answer; the k-th also bounds what later rings may add
            // (a point at exactly its distance may still win on id, so the bound stays inclusive).
            std::nth_element(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(k - 1), out.end(), closer);
            out.resize(k);
            shape.limit = std::min(shape.limit, out[k - 1].distance_m);
            if (out[k - 1].distance_m < rings.beyond(ring)) break;
        }
        std::swap(current, next);
    }
    keep_nearest(out, k);
    return true;
}

void chord2_to_meters(std::vector<Match>& matches, std::size_t from) {
    for (std::size_t i = from; i < matches.size(); ++i)
        matches[i].distance_m = geo::distance_of_chord2(matches[i].distance_m);
}

void keep_nearest(std::vector<Match>& candidates, std::size_t k) {
    if (candidates.size() > k) {
        std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k), candidates.end(),
                         closer);
        candidates.resize(k);
    }
    std::sort(candidates.begin(), candidates.end(), closer);
    chord2_to_meters(candidates);
}

void VolunteerIndex::within(const geo::Circle& circle, const VolunteerFilter& filter, Time now,
                            std::vector<Match>& out) const {
    out.clear();
    scan(circle.bounds(), filter, now, InCircle{circle.center_unit(), circle.chord2_limit()},
         [&](VolunteerId id, double c2) {
             out.push_back(Match{id, c2});
         });
    chord2_to_meters(out);
}

void VolunteerIndex::nearest(const geo::Circle& circle, const VolunteerFilter& filter, std::size_t k, Time now,
                             std::vector<Match>& out) const {
    out.clear();
    if (k == 0) return;
    if (nearest_by_rings(circle, filter, k, now, out)) return;
    scan(circle.bounds(), filter, now, InCircle{circle.center_unit(), circle.chord2_limit()},
         [&](VolunteerId id, double c2) {
             out.push_back(Match{id, c2});
         });
    keep_nearest(out, k);
}

void VolunteerIndex::within(const geo::Polygon& polygon, LatLng reference, const VolunteerFilter& filter, Time now,
                            std::vector<Match>& out) const {
    out.clear();
    scan(polygon.bounds(), filter, now, InPolygon{polygon, geo::to_unit(reference)}, [&](VolunteerId id, double c2) {
        out.push_back(Match{id, c2});
    });
    chord2_to_meters(out);
}

void VolunteerIndex::nearest(const geo::Polygon& polygon, LatLng reference, const VolunteerFilter& filter,
                             std::size_t k, Time now, std::vector<Match>& out) const {
    out.clear();
    if (k == 0) return;
    scan(polygon.bounds(), filter, now, InPolygon{polygon, geo::to_unit(reference)}, [&](VolunteerId id, double c2) {
        out.push_back(Match{id, c2});
    });
    keep_nearest(out, k);
}

void VolunteerIndex::query(const geo::Area& area, LatLng rank_from, const VolunteerFilter& filter,
                           std::optional<std::size_t> k, Time now, std::vector<Match>& out) const {
    if (const geo::Circle* c = area.circle()) {
        if (rank_from == c->center()) {  // the common case: rings around the centre may stop early
            if (k) return nearest(*c, filter, *k, now, out);
            return within(*c, filter, now, out);
        }
        // Ranked from elsewhere: the rings around the circle's centre give no bound on distance from rank_from,
        // so the whole cover is read (the cost is the area's points, as for a polygon).
        out.clear();
        if (k && *k == 0) return;
        scan(c->bounds(), filter, now, InCircleRankedFrom{c->center_unit(), c->chord2_limit(), geo::to_unit(rank_from)},
             [&](VolunteerId id, double c2) {
                 out.push_back(Match{id, c2});
             });
        if (k) return keep_nearest(out, *k);
        return chord2_to_meters(out);
    }
    if (const geo::Polygon* polygon = area.polygon()) {
        if (k) return nearest(*polygon, rank_from, filter, *k, now, out);
        return within(*polygon, rank_from, filter, now, out);
    }
    // A union is scanned part by part (parts may lie far apart, so their common box could hold a whole city).
    const geo::AreaUnion& shapes = *area.shapes();
    const UnitVec reference = geo::to_unit(rank_from);
    out.clear();
    if (k && *k == 0) return;
    for (std::size_t part = 0; part < shapes.part_count(); ++part) {
        scan(shapes.part_bounds(part), filter, now, InUnionPart{shapes, part, reference},
             [&](VolunteerId id, double c2) {
                 out.push_back(Match{id, c2});
             });
    }
    if (k) return keep_nearest(out, *k);
    chord2_to_meters(out);
}

}  // namespace yihu::core
