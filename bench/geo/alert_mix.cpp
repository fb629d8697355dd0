#include "alert_mix.h"

#include "bench_constants.h"
#include "random_shapes.h"

namespace yihu::bench {

namespace {
constexpr double kDrowningShare = 0.80;
constexpr double kMissingShare = 0.15;  // the rest are polygons
constexpr double kDrowningRadiusM = 1500.0;
constexpr double kMissingRadiusLoM = 2000.0;
constexpr double kMissingRadiusHiM = 10000.0;
constexpr double kPolygonHalfExtentM = 1500.0;
}  // namespace

std::vector<core::geo::Area> make_alert_mix(std::size_t count, const BenchRegion& region, Rng& rng) {
    std::vector<core::geo::Area> alerts;
    alerts.reserve(count);
    std::uniform_real_distribution<double> kind(0.0, 1.0);
    std::uniform_real_distribution<double> missing_radius(kMissingRadiusLoM, kMissingRadiusHiM);
    for (std::size_t i = 0; i < count; ++i) {
        const double k = kind(rng);
        const core::geo::LatLng center = region.uniform_point(rng);
        if (k < kDrowningShare) {
            alerts.emplace_back(core::geo::Circle::make(center, kDrowningRadiusM).value());
        } else if (k < kDrowningShare + kMissingShare) {
            alerts.emplace_back(core::geo::Circle::make(center, missing_radius(rng)).value());
        } else {
            alerts.emplace_back(
                random_polygon(center, kPolygonHalfExtentM, kPolygonHalfExtentM, kPolygonVertices, rng));
        }
    }
    return alerts;
}

std::string alert_mix_description(std::size_t count) {
    return std::to_string(count) +
           " active alerts placed uniformly over the region: 80% drowning circles r = 1.5 km, 15% missing-person "
           "circles r = 2-10 km (uniform), 5% 12-vertex polygons ~3 x 3 km; every alert admits every on-duty "
           "volunteer";
}

}  // namespace yihu::bench
