#pragma once

#include "core/geo/area.h"

namespace yihu::core::geo {

// Whether two areas share at least one point, boundaries included: an alert's reach against a neighbouring city's
// coverage (docs/federation.md). Each area is taken part by part (a union's circles and polygons); two parts touch
// when
// - two circles: the distance between their centres is at most the sum of their radii (exact on the sphere);
// - a circle and a polygon: the polygon contains the circle's centre, or some edge of the polygon comes within the
//   radius of it (the edge measured in a local equirectangular plane around the centre, the way CAP's straight
//   lat/lon edges are drawn; good to well under a percent over a city's few hundred km);
// - two polygons: a vertex of either lies inside the other, or two edges cross (in the lat/lon plane).
// Cost: linear in the vertices for a circle, vertices x vertices for two polygons (coverage rings are small).
bool touches(const Area& a, const Area& b);

}  // namespace yihu::core::geo
