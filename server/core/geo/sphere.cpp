#include "core/geo/sphere.h"

namespace yihu::core::geo {

double haversine_m(LatLng a, LatLng b) {
    const double lat1 = a.lat * kDegToRad;
    const double lat2 = b.lat * kDegToRad;
    const double s_lat = std::sin((lat2 - lat1) * 0.5);
    const double s_lon = std::sin((b.lon - a.lon) * kDegToRad * 0.5);
    const double h = s_lat * s_lat + std::cos(lat1) * std::cos(lat2) * s_lon * s_lon;
    return 2.0 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

LatLng destination(LatLng from, double bearing_deg, double meters) {
    const double delta = meters / kEarthRadiusM;
    const double theta = bearing_deg * kDegToRad;
    const double lat1 = from.lat * kDegToRad;
    const double lon1 = from.lon * kDegToRad;
    const double sin_lat2 = std::sin(lat1) * std::cos(delta) + std::cos(lat1) * std::sin(delta) * std::cos(theta);
    const double lat2 = std::asin(std::clamp(sin_lat2, -1.0, 1.0));
    const double lon2 = lon1 + std::atan2(std::sin(theta) * std::sin(delta) * std::cos(lat1),
                                          std::cos(delta) - std::sin(lat1) * sin_lat2);
    return {lat2 * kRadToDeg, normalize_lon(lon2 * kRadToDeg)};
}

}  // namespace yihu::core::geo
