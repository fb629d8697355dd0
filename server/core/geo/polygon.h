#pragma once

#include <cstddef>
#include <vector>

#include "core/geo/lat_lng.h"
#include "core/geo/lat_lng_box.h"

namespace yihu::core::geo {

// Rings above this many vertices are rejected (the largest real CAP area we ship a sample of has ~10^4).
inline constexpr std::size_t kMaxPolygonVertices = 200'000;

// A CAP 1.2 polygon: one closed ring of (lat, lon) vertices, first == last, interpreted the way CAP consumers do:
// edges are straight lines in the latitude/longitude plane and "inside" is the even-odd rule.
//
// Antimeridian: a ring may cross it. Each edge takes the shorter way round (an edge from 179 to -179 is 2 degrees
// long, not 358), so the ring is "unwrapped" into continuous longitudes (e.g. 170..190) and points are tested at
// lon, lon + 360 and lon - 360. Rejected with a clear error: rings that wind around a pole (kPolygonEnclosesPole),
// edges exactly 180 degrees of longitude long (kPolygonTooWide: their direction is ambiguous), and rings spanning
// 360 degrees or more of longitude. Self-intersecting rings are accepted; the even-odd rule still defines inside.
class Polygon {
  public:
    // The ring must be closed (first == last) unless `require_closed` is false, in which case it is closed for you.
    static Result<Polygon> make(const std::vector<LatLng>& ring, bool require_closed = true);

    // Even-odd containment. Points exactly on an edge follow the usual half-open convention (consistent, not
    // symmetric). Cost: the edges of one latitude band, about sqrt(vertices) for real outlines.
    bool contains(LatLng p) const;

    const LatLngBox& bounds() const { return bounds_; }
    // The ring as given (closed), for export.
    const std::vector<LatLng>& ring() const { return ring_; }
    std::size_t vertex_count() const { return ring_.size() - 1; }
    // A point to measure distances from when a query gives none: the centre of the bounding box.
    LatLng reference_point() const { return reference_; }

  private:
    struct Edge {
        double x1, y1, x2, y2;  // unwrapped longitude, latitude
    };

    Polygon() = default;
    bool contains_unwrapped(double x, double y) const;

    std::vector<LatLng> ring_;
    LatLngBox bounds_;
    double x_lo_ = 0, x_hi_ = 0;  // unwrapped longitude extent
    double y_lo_ = 0, y_hi_ = 0;
    LatLng reference_;
    // Edges bucketed by latitude band: band b covers [y_lo_ + b * band_h_, y_lo_ + (b + 1) * band_h_] and lists every
    // edge whose latitude extent overlaps it, so a point tests only its band's edges.
    double band_h_ = 1.0;
    std::vector<std::size_t> band_offsets_;
    std::vector<Edge> band_edges_;
};

}  // namespace yihu::core::geo
