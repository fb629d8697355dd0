#pragma once

#include <memory>
#include <variant>

#include "core/geo/circle.h"
#include "core/geo/polygon.h"

namespace yihu::core::geo {

// An alert's area: a circle or a polygon. Cheap to copy (a polygon is shared, immutable).
class Area {
  public:
    Area(Circle circle) : shape_(std::move(circle)) {}  // NOLINT: an Area is a Circle or a Polygon
    Area(Polygon polygon) : shape_(std::make_shared<const Polygon>(std::move(polygon))) {}  // NOLINT

    // `u` must be to_unit(p); callers that hold both pass both so neither is recomputed.
    bool contains(const UnitVec& u, LatLng p) const;
    bool contains(LatLng p) const { return contains(to_unit(p), p); }
    LatLngBox bounds() const;
    // A point to measure from when nothing better is known: a circle's centre, a polygon's bounding-box centre.
    // Alerts do not use it: their distances are measured from the alert's own centre.
    LatLng reference_point() const;

    const Circle* circle() const { return std::get_if<Circle>(&shape_); }
    const Polygon* polygon() const {
        const auto* p = std::get_if<std::shared_ptr<const Polygon>>(&shape_);
        return p ? p->get() : nullptr;
    }

  private:
    std::variant<Circle, std::shared_ptr<const Polygon>> shape_;
};

}  // namespace yihu::core::geo
