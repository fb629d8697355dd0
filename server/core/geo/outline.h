#pragma once

#include <cstddef>
#include <vector>

#include "core/geo/area.h"

namespace yihu::core::geo {

// Fewest vertices a simplified ring keeps: a triangle.
inline constexpr std::size_t kMinOutlineVertices = 3;

// A closed ring (first == last, as Polygon::ring() gives it) reduced to at most `max_vertices` distinct vertices
// (clamped to at least kMinOutlineVertices), returned closed. Rings within the budget come back unchanged.
//
// Visvalingam-Whyatt: the vertex whose triangle with its two neighbours has the smallest area (in the lat/lon plane,
// longitudes unwrapped across the antimeridian as Polygon does) is removed first, until the budget is met. The
// result is a subsequence of the ring's vertices in their order, so every kept vertex is an original one and the
// outline lies within the ring's bounding box. It is a drawing aid, not an outer approximation: parts of the area may
// lie outside it and points outside the area inside it. A vertex is kept when removing it would leave an edge of
// 180 degrees of longitude or more (Polygon refuses such edges); rings of alerts span far less, so the budget holds.
// Cost: O(n log n) for n vertices.
std::vector<LatLng> simplify_ring(const std::vector<LatLng>& closed_ring, std::size_t max_vertices);

// Polygon vertices of an area (0 for a circle): what simplified() counts against its budget.
std::size_t vertex_count(const Area& area);

// `area` with every polygon simplified so that the polygons' vertices add up to at most `max_vertices` (each polygon
// gets a share in proportion to its size, at least kMinOutlineVertices, so a union of many polygons may keep up to
// kMinOutlineVertices per polygon). Circles are kept as they are. An area within the budget comes back unchanged.
// A simplified ring that Polygon refuses (a degenerate triangle) is replaced by the rectangle of its polygon's bounds.
Area simplified(const Area& area, std::size_t max_vertices);

}  // namespace yihu::core::geo
