#include "core/geo/area.h"

namespace yihu::core::geo {

bool Area::contains(const UnitVec& u, LatLng p) const {
    if (const Circle* c = circle()) return c->contains(u);
    return polygon()->contains(p);
}

LatLngBox Area::bounds() const {
    if (const Circle* c = circle()) return c->bounds();
    return polygon()->bounds();
}

LatLng Area::reference_point() const {
    if (const Circle* c = circle()) return c->center();
    return polygon()->reference_point();
}

}  // namespace yihu::core::geo
