#include "core/geo/area_touch.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/geo/sphere.h"

namespace yihu::core::geo {

namespace {

struct Parts {
    std::vector<const Circle*> circles;
    std::vector<const Polygon*> polygons;
};

Parts parts_of(const Area& area) {
    Parts p;
    if (const Circle* c = area.circle()) p.circles.push_back(c);
    if (const Polygon* poly = area.polygon()) p.polygons.push_back(poly);
    if (const AreaUnion* u = area.shapes()) {
        for (const Circle& c : u->circles()) p.circles.push_back(&c);
        for (const Polygon& poly : u->polygons()) p.polygons.push_back(&poly);
    }
    return p;
}

// Metres east and north of `origin` in its local equirectangular plane.
struct Xy {
    double x, y;
};
Xy local(LatLng origin, LatLng p) {
    constexpr double kMetresPerDegree = kEarthRadiusM * std::numbers::pi / 180.0;
    const double dlon = normalize_lon(p.lon - origin.lon);
    return {dlon * kMetresPerDegree * std::cos(origin.lat * std::numbers::pi / 180.0),
            (p.lat - origin.lat) * kMetresPerDegree};
}

// Distance from the plane's origin to segment ab.
double distance_to_segment(Xy a, Xy b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? -(a.x * dx + a.y * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(a.x + t * dx, a.y + t * dy);
}

bool circle_touches_circle(const Circle& a, const Circle& b) {
    return haversine_m(a.center(), b.center()) <= a.radius_m() + b.radius_m();
}

bool circle_touches_polygon(const Circle& c, const Polygon& p) {
    if (p.contains(c.center())) return true;
    const auto& ring = p.ring();
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        if (distance_to_segment(local(c.center(), ring[i]), local(c.center(), ring[i + 1])) <= c.radius_m()) {
            return true;
        }
    }
    return false;
}

double cross(double ax, double ay, double bx, double by) {
    return ax * by - ay * bx;
}

bool segments_cross(LatLng p1, LatLng p2, LatLng q1, LatLng q2) {
    const double d1 = cross(q2.lon - q1.lon, q2.lat - q1.lat, p1.lon - q1.lon, p1.lat - q1.lat);
    const double d2 = cross(q2.lon - q1.lon, q2.lat - q1.lat, p2.lon - q1.lon, p2.lat - q1.lat);
    const double d3 = cross(p2.lon - p1.lon, p2.lat - p1.lat, q1.lon - p1.lon, q1.lat - p1.lat);
    const double d4 = cross(p2.lon - p1.lon, p2.lat - p1.lat, q2.lon - p1.lon, q2.lat - p1.lat);
    return ((d1 <= 0 && d2 >= 0) || (d1 >= 0 && d2 <= 0)) && ((d3 <= 0 && d4 >= 0) || (d3 >= 0 && d4 <= 0));
}

bool polygon_touches_polygon(const Polygon& a, const Polygon& b) {
    if (a.bounds().lat_lo > b.bounds().lat_hi || b.bounds().lat_lo > a.bounds().lat_hi) return false;
    if (a.contains(b.ring().front()) || b.contains(a.ring().front())) return true;
    const auto& ra = a.ring();
    const auto& rb = b.ring();
    for (std::size_t i = 0; i + 1 < ra.size(); ++i) {
        for (std::size_t j = 0; j + 1 < rb.size(); ++j) {
            if (segments_cross(ra[i], ra[i + 1], rb[j], rb[j + 1])) return true;
        }
    }
    return false;
}

}  // namespace

bool touches(const Area& a, const Area& b) {
    const Parts pa = parts_of(a);
    const Parts pb = parts_of(b);
    for (const Circle* x : pa.circles) {
        for (const Circle* y : pb.circles) {
            if (circle_touches_circle(*x, *y)) return true;
        }
        for (const Polygon* y : pb.polygons) {
            if (circle_touches_polygon(*x, *y)) return true;
        }
    }
    for (const Polygon* x : pa.polygons) {
        for (const Circle* y : pb.circles) {
            if (circle_touches_polygon(*y, *x)) return true;
        }
        for (const Polygon* y : pb.polygons) {
            if (polygon_touches_polygon(*x, *y)) return true;
        }
    }
    return false;
}

}  // namespace yihu::core::geo
