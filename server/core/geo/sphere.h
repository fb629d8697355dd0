#pragma once

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/geo/lat_lng.h"

namespace yihu::core::geo {

// The Earth as a sphere of the IUGG mean radius. Over the distances we match (metres to a few hundred km) the
// sphere differs from the WGS84 ellipsoid by at most ~0.5%, far below a phone's GPS error over a search ring.
inline constexpr double kEarthRadiusM = 6'371'008.8;
inline constexpr double kDegToRad = std::numbers::pi / 180.0;
inline constexpr double kRadToDeg = 180.0 / std::numbers::pi;
// Half the Earth's circumference: no two points are farther apart along the surface.
inline constexpr double kMaxSurfaceDistanceM = std::numbers::pi * kEarthRadiusM;

// A point on the unit sphere. "Inside a circle" is then a comparison of squared chord lengths, with no trigonometry
// in the query loop: chord^2 = |a - b|^2, and the chord of a great-circle distance d is 2 sin(d / 2R).
struct UnitVec {
    double x = 0.0;
    double y = 0.0;
    double z = 1.0;
};

inline UnitVec to_unit(LatLng p) {
    const double lat = p.lat * kDegToRad;
    const double lon = p.lon * kDegToRad;
    const double cos_lat = std::cos(lat);
    return {cos_lat * std::cos(lon), cos_lat * std::sin(lon), std::sin(lat)};
}

// Squared chord length between two unit vectors, in [0, 4]. Monotonic in the great-circle distance, and computed
// from coordinate differences so it keeps full relative precision for points metres apart (a dot product would not).
inline double chord2(const UnitVec& a, const UnitVec& b) {
    const double dx = a.x - b.x;
    const double dy = a.y - b.y;
    const double dz = a.z - b.z;
    return dx * dx + dy * dy + dz * dz;
}

// The squared chord of a surface distance in metres; distances past half the circumference give 4 (everything).
inline double chord2_of_distance(double meters) {
    if (meters >= kMaxSurfaceDistanceM) return 4.0;
    const double s = std::sin(meters / (2.0 * kEarthRadiusM));
    return 4.0 * s * s;
}

// The surface distance in metres of a squared chord (inverse of chord2_of_distance). Every query result is converted
// once, so below x = 0.01 (about 127 km) asin(x) comes from its series x + x^3/6 + 3x^5/40 + 5x^7/112 + 35x^9/1152,
// whose next term is below 1e-22 relative there: the same double as std::asin, at a fraction of the cost.
inline double distance_of_chord2(double c2) {
    const double x = std::sqrt(std::max(0.0, c2)) * 0.5;
    if (x < 0.01) {
        const double x2 = x * x;
        return 2.0 * kEarthRadiusM * x *
               (1.0 + x2 * (1.0 / 6.0 + x2 * (3.0 / 40.0 + x2 * (5.0 / 112.0 + x2 * (35.0 / 1152.0)))));
    }
    return 2.0 * kEarthRadiusM * std::asin(std::min(1.0, x));
}

inline double distance_m(const UnitVec& a, const UnitVec& b) {
    return distance_of_chord2(chord2(a, b));
}

// Great-circle distance by the haversine formula, straight from latitude and longitude. The brute-force oracle and
// callers outside the index use it; it agrees with the chord form to ~1e-9 m.
double haversine_m(LatLng a, LatLng b);

// The point reached from `from` after `meters` along the initial bearing `bearing_deg` (0 = north, 90 = east),
// longitude normalised to [-180, 180). Used by tests and benchmarks to place points at known distances.
LatLng destination(LatLng from, double bearing_deg, double meters);

// Longitude folded into [-180, 180).
inline double normalize_lon(double lon) {
    double l = std::fmod(lon + 180.0, 360.0);
    if (l < 0) l += 360.0;
    return l - 180.0;
}

}  // namespace yihu::core::geo
