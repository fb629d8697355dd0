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

core::Result<LatLng> from_proto(const v1::LatLng& p) {
    const LatLng out{p.latitude(), p.longitude()};
    if (core::Status s = core::geo::validate(out); !s) return s.error();
    return out;
}

namespace {

void write_circle(const Circle& c, v1::Circle* out) {
    to_proto(c.center(), out->mutable_center());
    out->set_radius_m(c.radius_m());
}

void write_polygon(const Polygon& polygon, v1::Polygon* out) {
    auto* ring = out->mutable_ring();
    ring->Reserve(static_cast<int>(polygon.ring().size()));
    for (LatLng p : polygon.ring()) to_proto(p, ring->Add());
}

core::Result<Circle> read_circle(const v1::Circle& circle) {
    auto center = from_proto(circle.center());
    if (!center) return center.error();
    return Circle::make(*center, circle.radius_m());
}

core::Result<Polygon> read_polygon(const v1::Polygon& polygon) {
    std::vector<LatLng> ring;
    ring.reserve(static_cast<std::size_t>(polygon.ring_size()));
    for (const v1::LatLng& p : polygon.ring()) ring.push_back({p.latitude(), p.longitude()});
    return Polygon::make(ring);
}

}  // namespace

void to_proto(const Area& area, v1::Area* out) {
    if (const Circle* c = area.circle()) return write_circle(*c, out->mutable_circle());
    if (const Polygon* p = area.polygon()) return write_polygon(*p, out->mutable_polygon());
    v1::Shapes* shapes = out->mutable_shapes();
    for (const Circle& c : area.shapes()->circles()) write_circle(c, shapes->add_circles());
    for (const Polygon& p : area.shapes()->polygons()) write_polygon(p, shapes->add_polygons());
}

void to_proto(const core::geo::LatLngBox& box, v1::LatLngBox* out) {
    out->set_south(box.lat_lo);
    out->set_west(box.lon_lo);
    out->set_north(box.lat_hi);
    out->set_east(box.lon_hi);
}

core::Result<Area> from_proto(const v1::Area& area) {
    switch (area.shape_case()) {
        case v1::Area::kCircle: {
            auto circle = read_circle(area.circle());
            if (!circle) return circle.error();
            return Area(*circle);
        }
        case v1::Area::kPolygon: {
            auto polygon = read_polygon(area.polygon());
            if (!polygon) return polygon.error();
            return Area(std::move(*polygon));
        }
        case v1::Area::kShapes: {
            const v1::Shapes& shapes = area.shapes();
            if (shapes.circles_size() + shapes.polygons_size() < 2) {
                return core::make_error(core::ErrorCode::kInvalidArgument,
                                        "area.shapes needs at least two shapes (send one as circle or polygon)");
            }
            if (static_cast<std::size_t>(shapes.circles_size() + shapes.polygons_size()) > core::geo::kMaxAreaParts) {
                return core::make_error(core::ErrorCode::kInvalidArgument, "area.shapes holds more than 512 shapes");
            }
            std::vector<Circle> circles;
            std::vector<Polygon> polygons;
            for (const v1::Circle& c : shapes.circles()) {
                auto circle = read_circle(c);
                if (!circle) return circle.error();
                circles.push_back(*circle);
            }
            for (const v1::Polygon& p : shapes.polygons()) {
                auto polygon = read_polygon(p);
                if (!polygon) return polygon.error();
                polygons.push_back(std::move(*polygon));
            }
            return Area::make(std::move(circles), std::move(polygons));
        }
        default:
            return core::make_error(core::ErrorCode::kInvalidArgument, "area has no shape (circle, polygon or shapes)");
    }
}

}  // namespace yihu::api
