#pragma once

#include <cstddef>
#include <vector>

#include "core/geo/circle.h"
#include "core/geo/polygon.h"

namespace yihu::core::geo {

// Most shapes one area may hold, and most polygon vertices over all of them: a national CAP alert lists one area per
// district, each with a polygon or two; its vertices are bounded as one big polygon's are.
inline constexpr std::size_t kMaxAreaParts = 512;
inline constexpr std::size_t kMaxAreaVertices = kMaxPolygonVertices;

// Several circles and polygons taken together: a point is inside if any part contains it (a CAP alert with several
// <area> blocks, or one <area> with several <polygon>s and <circle>s). Parts may overlap or lie far apart.
//
// Parts are numbered circles first, then polygons, in the order given. Every point of the union is owned by exactly
// one part, the lowest-numbered part containing it, so a query that scans part by part reports each point once.
class AreaUnion {
  public:
    // At least two parts (one shape is an Area of its own), at most kMaxAreaParts, at most kMaxAreaVertices polygon
    // vertices in all: kInvalidArgument or kTooManyVertices otherwise.
    static Result<AreaUnion> make(std::vector<Circle> circles, std::vector<Polygon> polygons);

    bool contains(const UnitVec& u, LatLng p) const;
    // A box containing every part (the smallest longitude arc covering the parts' arcs, so parts on both sides of
    // the antimeridian give a box that crosses it).
    const LatLngBox& bounds() const { return bounds_; }
    // The centre of bounds(): where distances to recipients are measured from, as for a polygon.
    LatLng reference_point() const { return reference_; }

    const std::vector<Circle>& circles() const { return circles_; }
    const std::vector<Polygon>& polygons() const { return polygons_; }
    std::size_t part_count() const { return circles_.size() + polygons_.size(); }
    const LatLngBox& part_bounds(std::size_t part) const { return part_bounds_[part]; }
    bool part_contains(std::size_t part, const UnitVec& u, LatLng p) const;
    // Part `part` contains the point and no lower-numbered part does.
    bool owns(std::size_t part, const UnitVec& u, LatLng p) const;

  private:
    AreaUnion() = default;

    std::vector<Circle> circles_;
    std::vector<Polygon> polygons_;
    std::vector<LatLngBox> part_bounds_;  // by part number
    LatLngBox bounds_;
    LatLng reference_;
};

// The smallest box containing every box in `boxes` (which must not be empty): latitudes by min and max, longitudes
// by the complement of the widest longitude gap no box covers.
LatLngBox union_bounds(const std::vector<LatLngBox>& boxes);

}  // namespace yihu::core::geo
