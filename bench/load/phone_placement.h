#pragma once

#include <cstddef>

#include "core/geo/lat_lng.h"

namespace yihu::bench::load {

// Where the simulated city is: a disc around central Dongguan, wide enough that a drowning's 1.5 km search finds
// swimmers at every size the benchmark runs.
inline constexpr core::geo::LatLng kCityCenter{23.02, 113.75};
inline constexpr double kCityRadiusM = 10'000;

// Phone `index` of `total`: a golden-angle spiral, so phones cover the disc evenly and every process computes the
// same place for the same phone without sharing state.
core::geo::LatLng phone_home(std::size_t index, std::size_t total);

}  // namespace yihu::bench::load
