#pragma once

// Brute-force references for the geo index: straight loops over every volunteer with the haversine formula and a
// plain even-odd polygon test. Written independently of the index (no grid, no chords, no bands) so that agreement
// means something.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/geo/lat_lng.h"
#include "core/geo/sphere.h"
#include "core/index/volunteer_filter.h"
#include "core/index/volunteer_index.h"

namespace yihu::testing {

struct OracleVolunteer {
    core::VolunteerId id;
    core::geo::LatLng position;
    core::VolunteerProfile profile;
    std::int64_t updated_ms;
};

// Plain PNPOLY over every edge of a closed ring, with the ring's longitudes unwrapped the way CAP consumers and
// geo::Polygon both read them (each edge the shorter way round), testing lon, lon + 360 and lon - 360.
inline bool oracle_polygon_contains(const std::vector<core::geo::LatLng>& ring, core::geo::LatLng p) {
    std::vector<double> xs(ring.size()), ys(ring.size());
    xs[0] = ring[0].lon;
    ys[0] = ring[0].lat;
    for (std::size_t i = 1; i < ring.size(); ++i) {
        double d = ring[i].lon - ring[i - 1].lon;
        if (d > 180) d -= 360;
        if (d < -180) d += 360;
        xs[i] = xs[i - 1] + d;
        ys[i] = ring[i].lat;
    }
    xs.back() = xs.front();
    const double lo = *std::min_element(xs.begin(), xs.end());
    const double hi = *std::max_element(xs.begin(), xs.end());
    for (double shift : {0.0, 360.0, -360.0}) {
        const double x = p.lon + shift;
        if (x < lo || x > hi) continue;
        bool inside = false;
        for (std::size_t i = 0, j = ring.size() - 2; i + 1 < ring.size(); j = i++) {
            if ((ys[i] > p.lat) != (ys[j] > p.lat) && x < (xs[j] - xs[i]) * (p.lat - ys[i]) / (ys[j] - ys[i]) + xs[i]) {
                inside = !inside;
            }
        }
        if (inside) return true;
    }
    return false;
}

inline bool oracle_fresh(const OracleVolunteer& v, std::int64_t now_ms, std::int64_t max_age_ms) {
    return now_ms - v.updated_ms <= max_age_ms;
}

// Everyone within radius_m of center (haversine) who is fresh and passes the filter, with their distance to
// rank_from (the centre if not given), sorted by (distance, id), truncated to k if given.
inline std::vector<core::Match> oracle_circle(const std::vector<OracleVolunteer>& all, core::geo::LatLng center,
                                              double radius_m, const core::VolunteerFilter& filter,
                                              std::optional<std::size_t> k, std::int64_t now_ms,
                                              std::int64_t max_age_ms,
                                              std::optional<core::geo::LatLng> rank_from = std::nullopt) {
    std::vector<core::Match> out;
    for (const OracleVolunteer& v : all) {
        if (!oracle_fresh(v, now_ms, max_age_ms) || !filter.admits(v.profile)) continue;
        if (core::geo::haversine_m(center, v.position) <= radius_m) {
            out.push_back({v.id, core::geo::haversine_m(rank_from.value_or(center), v.position)});
        }
    }
    std::sort(out.begin(), out.end(), [](const core::Match& a, const core::Match& b) {
        return a.distance_m < b.distance_m || (a.distance_m == b.distance_m && a.id < b.id);
    });
    if (k && out.size() > *k) out.resize(*k);
    return out;
}

inline std::vector<core::Match> oracle_polygon(const std::vector<OracleVolunteer>& all,
                                               const std::vector<core::geo::LatLng>& ring, core::geo::LatLng reference,
                                               const core::VolunteerFilter& filter, std::optional<std::size_t> k,
                                               std::int64_t now_ms, std::int64_t max_age_ms) {
    std::vector<core::Match> out;
    for (const OracleVolunteer& v : all) {
        if (!oracle_fresh(v, now_ms, max_age_ms) || !filter.admits(v.profile)) continue;
        if (oracle_polygon_contains(ring, v.position)) {
            out.push_back({v.id, core::geo::haversine_m(reference, v.position)});
        }
    }
    std::sort(out.begin(), out.end(), [](const core::Match& a, const core::Match& b) {
        return a.distance_m < b.distance_m || (a.distance_m == b.distance_m && a.id < b.id);
    });
    if (k && out.size() > *k) out.resize(*k);
    return out;
}

}  // namespace yihu::testing
