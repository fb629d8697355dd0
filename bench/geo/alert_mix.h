#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "bench_region.h"
#include "core/geo/area.h"

namespace yihu::bench {

// The active alerts of roam_1000, placed uniformly over the region: 80% drowning circles of 1.5 km, 15%
// missing-person circles of 2-10 km, 5% 12-vertex polygons of about 3 x 3 km. Alert key i is element i.
std::vector<core::geo::Area> make_alert_mix(std::size_t count, const BenchRegion& region, Rng& rng);

// The mix in words, for the printed conditions.
std::string alert_mix_description(std::size_t count);

}  // namespace yihu::bench
