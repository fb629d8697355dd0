#include "core/geo/area.h"

namespace yihu::core::geo {

Result<Area> Area::make(std::vector<Circle> circles, std::vector<Polygon> polygons) {
    const std::size_t parts = circles.size() + polygons.size();
    if (parts == 0) return make_error(ErrorCode::kInvalidArgument, "an area needs at least one circle or polygon");
    if (parts == 1) {
        if (!circles.empty()) return Area(std::move(circles.front()));
        return Area(std::move(polygons.front()));
    }
    auto u = AreaUnion::make(std::move(circles), std::move(polygons));
    if (!u) return u.error();
    return Area(std::move(*u));
}

bool Area::contains(const UnitVec& u, LatLng p) const {
    if (const Circle* c = circle()) return c->contains(u);
    if (const Polygon* poly = polygon()) return poly->contains(p);
    return shapes()->contains(u, p);
}

LatLngBox Area::bounds() const {
    if (const Circle* c = circle()) return c->bounds();
    if (const Polygon* poly = polygon()) return poly->bounds();
    return shapes()->bounds();
}

LatLng Area::reference_point() const {
    if (const Circle* c = circle()) return c->center();
    if (const Polygon* poly = polygon()) return poly->reference_point();
    return shapes()->reference_point();
}

}  // namespace yihu::core::geo
