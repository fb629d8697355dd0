#include "api/codec/geo_codec.h"

namespace yihu::api {

using core::geo::Area;
using core::geo::Circle;
using core::geo::LatLng;
using core::geo::Polygon;

void to_proto(LatLng p, v1::LatLng* out) {
    out->set_latitude(p.lat);
    out->set_longitude(p.lon);
}

void to_proto(const Area& area, v1::Area* out) {
    if (const Circle* c = area.circle()) {
        to_proto(c->center(), out->mutable_circle()->mutable_center());
        out->mutable_circle()->set_radius_m(c->radius_m());
        return;
    }
    auto* ring = out->mutable_polygon()->mutable_ring();
    ring->Reserve(static_cast<int>(area.polygon()->ring().size()));
    for (LatLng p : area.polygon()->ring()) to_proto(p, ring->Add());
}

core::Result<LatLng> from_proto(const v1::LatLng& p) {
    const LatLng out{p.latitude(), p.longitude()};
    if (core::Status s = core::geo::validate(out); !s) return s.error();
    return out;
}

core::Result<Area> from_proto(const v1::Area& area) {
    switch (area.shape_case()) {
        case v1::Area::kCircle: {
            auto center = from_proto(area.circle().center());
            if (!center) return center.error();
            auto circle = Circle::make(*center, area.circle().radius_m());
            if (!circle) return circle.error();
            return Area(*circle);
        }
        case v1::Area::kPolygon: {
            std::vector<LatLng> ring;
            ring.reserve(static_cast<std::size_t>(area.polygon().ring_size()));
            for (const v1::LatLng& p : area.polygon().ring()) ring.push_back({p.latitude(), p.longitude()});
            auto polygon = Polygon::make(ring);
            if (!polygon) return polygon.error();
            return Area(std::move(*polygon));
        }
        default:
            return core::make_error(core::ErrorCode::kInvalidArgument, "area has no shape (circle or polygon)");
    }
}

}  // namespace yihu::api
