#pragma once

#include <memory>
#include <variant>
#include <vector>

#include "core/geo/area_union.h"
#include "core/geo/circle.h"
#include "core/geo/polygon.h"

namespace yihu::core::geo {

// An alert's area: a circle, a polygon, or a union of several of them (AreaUnion). Cheap to copy (polygons and
// unions are shared, immutable). A single shape is never wrapped in a union, so the index's circle and polygon fast
// paths see exactly the shapes they always did.
class Area {
  public:
    Area(Circle circle) : shape_(std::move(circle)) {}  // NOLINT: an Area is a Circle, a Polygon or a union
    Area(Polygon polygon) : shape_(std::make_shared<const Polygon>(std::move(polygon))) {}    // NOLINT
    Area(AreaUnion shapes) : shape_(std::make_shared<const AreaUnion>(std::move(shapes))) {}  // NOLINT

    // One shape as itself, several as their union; errors as AreaUnion::make, and kInvalidArgument for no shape.
    static Result<Area> make(std::vector<Circle> circles, std::vector<Polygon> polygons);

    // `u` must be to_unit(p); callers that hold both pass both so neither is recomputed.
    bool contains(const UnitVec& u, LatLng p) const;
    bool contains(LatLng p) const { return contains(to_unit(p), p); }
    LatLngBox bounds() const;
    // A point to measure from when nothing better is known: a circle's centre, a polygon's or a union's bounding-box
    // centre. Alerts do not use it: their distances are measured from the alert's own centre.
    LatLng reference_point() const;

    // Exactly one of these is non-null.
    const Circle* circle() const { return std::get_if<Circle>(&shape_); }
    const Polygon* polygon() const {
        const auto* p = std::get_if<std::shared_ptr<const Polygon>>(&shape_);
        return p ? p->get() : nullptr;
    }
    const AreaUnion* shapes() const {
        const auto* p = std::get_if<std::shared_ptr<const AreaUnion>>(&shape_);
        return p ? p->get() : nullptr;
    }

  private:
    std::variant<Circle, std::shared_ptr<const Polygon>, std::shared_ptr<const AreaUnion>> shape_;
};

}  // namespace yihu::core::geo
