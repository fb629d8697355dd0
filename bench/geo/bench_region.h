#pragma once

#include <algorithm>
#include <random>

#include "core/geo/lat_lng.h"

namespace yihu::bench {

using Rng = std::mt19937_64;

// The rectangle the volunteers live in. Far from the antimeridian and the poles, which the index's own tests cover.
struct BenchRegion {
    double lat_lo, lat_hi, lon_lo, lon_hi;

    bool contains(core::geo::LatLng p) const {
        return p.lat >= lat_lo && p.lat <= lat_hi && p.lon >= lon_lo && p.lon <= lon_hi;
    }
    core::geo::LatLng clamp(core::geo::LatLng p) const {
        return {std::clamp(p.lat, lat_lo, lat_hi), std::clamp(p.lon, lon_lo, lon_hi)};
    }
    core::geo::LatLng uniform_point(Rng& rng) const {
        std::uniform_real_distribution<double> lat(lat_lo, lat_hi);
        std::uniform_real_distribution<double> lon(lon_lo, lon_hi);
        const double la = lat(rng);
        return {la, lon(rng)};
    }
};

// Dongguan's extent (about 50 x 72 km): the city the server is sized for.
inline constexpr BenchRegion kDongguan{22.65, 23.10, 113.55, 114.25};

}  // namespace yihu::bench
