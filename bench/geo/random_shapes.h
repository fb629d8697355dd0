#pragma once

#include <cstddef>

#include "bench_region.h"
#include "core/geo/lat_lng.h"
#include "core/geo/polygon.h"

namespace yihu::bench {

// A point uniformly distributed over the disc of radius `max_m` around `center`.
core::geo::LatLng point_near(core::geo::LatLng center, double max_m, Rng& rng);

// An irregular star-shaped (so simple) polygon around `center`: `vertices` corners at jittered angles, each at
// 65-100% of an ellipse of the given half-extents, the ellipse turned by a random angle. Half-extents of
// 1,000 x 1,500 m give a polygon of about 2 x 3 km.
core::geo::Polygon random_polygon(core::geo::LatLng center, double half_width_m, double half_height_m,
                                  std::size_t vertices, Rng& rng);

}  // namespace yihu::bench
