#include "core/geo/outline.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <queue>
#include <tuple>

namespace yihu::core::geo {

namespace {

constexpr double kKeep = std::numeric_limits<double>::infinity();

// The ring's longitudes made continuous: each step takes the shorter way round, as Polygon's edges do.
std::vector<double> unwrapped_lons(const std::vector<LatLng>& ring, std::size_t n) {
    std::vector<double> xs(n);
    xs[0] = ring[0].lon;
    for (std::size_t i = 1; i < n; ++i) {
        double d = ring[i].lon - ring[i - 1].lon;
        if (d > 180.0) d -= 360.0;
        if (d < -180.0) d += 360.0;
        xs[i] = xs[i - 1] + d;
    }
    return xs;
}

// A rectangle ring (closed) around `box`, for a polygon whose outline degenerated.
std::vector<LatLng> box_ring(const LatLngBox& box) {
    double hi = box.lon_hi;
    if (box.crosses_antimeridian()) hi += 360.0;
    // Points of the top edge halfway keep every edge shorter than 180 degrees of longitude.
    const double mid = box.lon_lo + (hi - box.lon_lo) / 2;
    auto lon = [](double x) { return x > 180.0 ? x - 360.0 : x; };
    return {{box.lat_lo, box.lon_lo}, {box.lat_lo, lon(hi)},  {box.lat_hi, lon(hi)},
            {box.lat_hi, lon(mid)},   {box.lat_hi, box.lon_lo}, {box.lat_lo, box.lon_lo}};
}

Polygon simplified_polygon(const Polygon& p, std::size_t budget) {
    if (p.vertex_count() <= budget) return p;
    auto made = Polygon::make(simplify_ring(p.ring(), budget));
    if (made) return std::move(*made);
    auto box = Polygon::make(box_ring(p.bounds()));
    return box ? std::move(*box) : p;
}

}  // namespace

std::vector<LatLng> simplify_ring(const std::vector<LatLng>& closed_ring, std::size_t max_vertices) {
    max_vertices = std::max(max_vertices, kMinOutlineVertices);
    if (closed_ring.size() < 2 || closed_ring.size() - 1 <= max_vertices) return closed_ring;
    const std::size_t n = closed_ring.size() - 1;  // distinct vertices; closed_ring[n] repeats closed_ring[0]
    const std::vector<double> xs = unwrapped_lons(closed_ring, n);
    // xs[n] would equal xs[0] for a ring that does not wind around a pole; neighbours across the seam are compared
    // by their unwrapped difference, which is what `dx` does.
    std::vector<std::size_t> prev(n), next(n);
    for (std::size_t i = 0; i < n; ++i) {
        prev[i] = (i + n - 1) % n;
        next[i] = (i + 1) % n;
    }
    // Longitude step from vertex a to vertex b along the ring, the shorter way round.
    auto dx = [&](std::size_t a, std::size_t b) {
        double d = xs[b] - xs[a];
        d = std::fmod(d, 360.0);
        if (d > 180.0) d -= 360.0;
        if (d < -180.0) d += 360.0;
        return d;
    };
    auto cost = [&](std::size_t i) {
        const std::size_t a = prev[i], b = next[i];
        // Removing i joins a and b: the edge must stay shorter than 180 degrees of longitude. The sum of the two
        // steps is the unwrapped length of the new edge.
        const double span = dx(a, i) + dx(i, b);
        if (std::abs(span) >= 180.0) return kKeep;
        const double ax = dx(i, a), ay = closed_ring[a].lat - closed_ring[i].lat;
        const double bx = dx(i, b), by = closed_ring[b].lat - closed_ring[i].lat;
        return std::abs(ax * by - bx * ay) / 2;
    };
    std::vector<double> area(n);
    using Entry = std::tuple<double, std::size_t>;  // (area when queued, vertex)
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
    for (std::size_t i = 0; i < n; ++i) {
        area[i] = cost(i);
        queue.emplace(area[i], i);
    }
    std::vector<bool> removed(n, false);
    std::size_t remaining = n;
    while (remaining > max_vertices && !queue.empty()) {
        auto [a, i] = queue.top();
        queue.pop();
        if (removed[i] || a != area[i]) continue;  // stale: the vertex went, or its neighbours changed
        if (a == kKeep) break;                     // only vertices that must stay are left
        removed[i] = true;
        --remaining;
        const std::size_t p = prev[i], q = next[i];
        next[p] = q;
        prev[q] = p;
        for (std::size_t j : {p, q}) {
            area[j] = cost(j);
            queue.emplace(area[j], j);
        }
    }
    std::vector<LatLng> out;
    out.reserve(remaining + 1);
    for (std::size_t i = 0; i < n; ++i) {
        if (!removed[i]) out.push_back(closed_ring[i]);
    }
    out.push_back(out.front());
    return out;
}

std::size_t vertex_count(const Area& area) {
    if (const Polygon* p = area.polygon()) return p->vertex_count();
    std::size_t total = 0;
    if (const AreaUnion* u = area.shapes()) {
        for (const Polygon& p : u->polygons()) total += p.vertex_count();
    }
    return total;
}

Area simplified(const Area& area, std::size_t max_vertices) {
    const std::size_t total = vertex_count(area);
    if (total <= max_vertices) return area;
    if (const Polygon* p = area.polygon()) return simplified_polygon(*p, max_vertices);
    const AreaUnion& u = *area.shapes();
    std::vector<Polygon> polygons;
    polygons.reserve(u.polygons().size());
    for (const Polygon& p : u.polygons()) {
        // floor(share) over all polygons adds up to at most max_vertices.
        const std::size_t share = p.vertex_count() * max_vertices / total;
        polygons.push_back(simplified_polygon(p, std::max(share, kMinOutlineVertices)));
    }
    auto made = AreaUnion::make(u.circles(), std::move(polygons));
    return made ? Area(std::move(*made)) : area;
}

}  // namespace yihu::core::geo
