#include "core/geo/circle.h"

#include <cmath>

namespace yihu::core::geo {

namespace {
// Widens boxes by a hair so that rounding in the trigonometry below can never cut off a point on the boundary.
constexpr double kBoxMarginDeg = 1e-9;
}  // namespace

Result<Circle> Circle::make(LatLng center, double radius_m) {
    if (auto s = validate(center); !s) return s.error();
    if (!std::isfinite(radius_m)) return make_error(ErrorCode::kNotFinite, "radius must be a finite number");
    if (radius_m < 0) return make_error(ErrorCode::kNegativeRadius, "radius must not be negative");
    if (radius_m > kMaxRadiusM) {
        return make_error(ErrorCode::kRadiusTooLarge, "radius must be at most 2,500,000 m");
    }
    return Circle(center, radius_m);
}

Circle::Circle(LatLng center, double radius_m)
    : center_(center),
      center_unit_(to_unit(center)),
      radius_m_(radius_m),
      chord2_limit_(chord2_of_distance(radius_m)) {}

// Bounding box of a spherical cap: the latitude range is exact; the longitude half-width is the one at the cap's
// tangent latitude, asin(sin(r) / cos(lat)). (J. Matuschek, "Finding Points Within a Distance of a Lat/Lon Point".)
LatLngBox Circle::bounds() const {
    const double r_deg = radius_m_ / kEarthRadiusM * kRadToDeg;
    LatLngBox box;
    box.lat_lo = center_.lat - r_deg - kBoxMarginDeg;
    box.lat_hi = center_.lat + r_deg + kBoxMarginDeg;
    if (box.lat_lo <= -90.0 || box.lat_hi >= 90.0) {
        box.lat_lo = std::max(box.lat_lo, -90.0);
        box.lat_hi = std::min(box.lat_hi, 90.0);
        return box;  // reaches a pole: every longitude
    }
    const double r = radius_m_ / kEarthRadiusM;
    const double ratio = std::sin(r) / std::cos(center_.lat * kDegToRad);
    if (ratio >= 1.0) return box;
    const double half = std::asin(ratio) * kRadToDeg + kBoxMarginDeg;
    if (half >= 180.0) return box;
    box.lon_lo = center_.lon - half;
    box.lon_hi = center_.lon + half;
    if (box.lon_lo < -180.0) box.lon_lo += 360.0;  // wraps: lon_lo > lon_hi marks the crossing
    if (box.lon_hi > 180.0) box.lon_hi -= 360.0;
    return box;
}

}  // namespace yihu::core::geo
