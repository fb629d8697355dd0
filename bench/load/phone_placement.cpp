#include "phone_placement.h"

#include <cmath>

#include "core/geo/sphere.h"

namespace yihu::bench::load {

core::geo::LatLng phone_home(std::size_t index, std::size_t total) {
    constexpr double kGoldenAngleDeg = 137.50776405003785;
    const double fraction = (static_cast<double>(index) + 0.5) / static_cast<double>(total == 0 ? 1 : total);
    const double bearing = std::fmod(static_cast<double>(index) * kGoldenAngleDeg, 360.0);
    return core::geo::destination(kCityCenter, bearing, kCityRadiusM * std::sqrt(fraction));
}

}  // namespace yihu::bench::load
