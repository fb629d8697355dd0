#include "random_shapes.h"

#include <cmath>
#include <numbers>
#include <vector>

#include "core/geo/sphere.h"

namespace yihu::bench {

using core::geo::LatLng;

LatLng point_near(LatLng center, double max_m, Rng& rng) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uniform_real_distribution<double> bearing(0.0, 360.0);
    const double r = max_m * std::sqrt(unit(rng));  // sqrt: uniform over the disc's area, not its radius
    return core::geo::destination(center, bearing(rng), r);
}

core::geo::Polygon random_polygon(LatLng center, double half_width_m, double half_height_m, std::size_t vertices,
                                  Rng& rng) {
    constexpr double kTwoPi = 2.0 * std::numbers::pi;
    std::uniform_real_distribution<double> jitter(-0.3, 0.3);
    std::uniform_real_distribution<double> reach(0.65, 1.0);
    std::uniform_real_distribution<double> turn(0.0, kTwoPi);
    const double rotation = turn(rng);
    std::vector<LatLng> ring;
    for (std::size_t i = 0; i < vertices; ++i) {
        // Jitter stays under half a step, so the angles keep increasing and the ring cannot cross itself.
        const double a = kTwoPi * (static_cast<double>(i) + jitter(rng)) / static_cast<double>(vertices);
        const double f = reach(rng);
        const double x = std::cos(a) * half_width_m * f;   // east before rotation
        const double y = std::sin(a) * half_height_m * f;  // north before rotation
        const double east = x * std::cos(rotation) - y * std::sin(rotation);
        const double north = x * std::sin(rotation) + y * std::cos(rotation);
        ring.push_back(
            core::geo::destination(center, std::atan2(east, north) * core::geo::kRadToDeg, std::hypot(east, north)));
    }
    return core::geo::Polygon::make(ring, /*require_closed=*/false).value();
}

}  // namespace yihu::bench
