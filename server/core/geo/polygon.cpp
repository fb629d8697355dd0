#include "core/geo/polygon.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/geo/sphere.h"

namespace yihu::core::geo {

namespace {

// Twice the signed area of the unwrapped ring in square degrees (shoelace formula).
double twice_signed_area(const std::vector<double>& xs, const std::vector<double>& ys) {
    double sum = 0;
    for (std::size_t i = 0; i + 1 < xs.size(); ++i) sum += xs[i] * ys[i + 1] - xs[i + 1] * ys[i];
    return sum;
}

}  // namespace

Result<Polygon> Polygon::make(const std::vector<LatLng>& ring_in, bool require_closed) {
    for (const LatLng& p : ring_in) {
        if (auto s = validate(p); !s) return s.error();
    }
    std::vector<LatLng> ring = ring_in;
    if (ring.empty()) return make_error(ErrorCode::kTooFewVertices, "polygon has no vertices");
    if (ring.front() != ring.back()) {
        if (require_closed) {
            return make_error(ErrorCode::kRingNotClosed, "polygon ring must end with its first vertex");
        }
        ring.push_back(ring.front());
    }
    if (ring.size() - 1 > kMaxPolygonVertices) {
        return make_error(ErrorCode::kTooManyVertices, "polygon has more than 200,000 vertices");
    }

    // Unwrap longitudes so that each edge takes the shorter way round.
    std::vector<double> xs(ring.size()), ys(ring.size());
    xs[0] = ring[0].lon;
    ys[0] = ring[0].lat;
    for (std::size_t i = 1; i < ring.size(); ++i) {
        double d = ring[i].lon - ring[i - 1].lon;
        if (std::abs(std::abs(d) - 180.0) < 1e-12) {
            return make_error(ErrorCode::kPolygonTooWide,
                              "a polygon edge spans exactly 180 degrees of longitude; its direction is ambiguous");
        }
        if (d > 180.0) d -= 360.0;
        if (d < -180.0) d += 360.0;
        xs[i] = xs[i - 1] + d;
        ys[i] = ring[i].lat;
    }
    if (std::abs(xs.back() - xs.front()) > 1.0) {
        return make_error(ErrorCode::kPolygonEnclosesPole,
                          "polygon ring winds around a pole; split it or use a circle instead");
    }
    xs.back() = xs.front();  // the closing vertex is the first one, exactly

    // At least three distinct vertices (compared against the few found so far: linear, whatever the input).
    std::vector<LatLng> distinct;
    for (std::size_t i = 0; i + 1 < ring.size() && distinct.size() < 3; ++i) {
        if (std::find(distinct.begin(), distinct.end(), ring[i]) == distinct.end()) distinct.push_back(ring[i]);
    }
    if (distinct.size() < 3)
        return make_error(ErrorCode::kTooFewVertices, "polygon needs at least 3 distinct vertices");
    if (std::abs(twice_signed_area(xs, ys)) < 1e-14) {
        return make_error(ErrorCode::kDegeneratePolygon, "polygon has zero area (its vertices lie on one line)");
    }

    Polygon poly;
    poly.ring_ = std::move(ring);
    poly.x_lo_ = *std::min_element(xs.begin(), xs.end());
    poly.x_hi_ = *std::max_element(xs.begin(), xs.end());
    poly.y_lo_ = *std::min_element(ys.begin(), ys.end());
    poly.y_hi_ = *std::max_element(ys.begin(), ys.end());
    if (poly.x_hi_ - poly.x_lo_ >= 360.0) {
        return make_error(ErrorCode::kPolygonTooWide, "polygon spans 360 degrees of longitude or more");
    }
    poly.bounds_.lat_lo = poly.y_lo_;
    poly.bounds_.lat_hi = poly.y_hi_;
    if (poly.x_lo_ >= -180.0 && poly.x_hi_ <= 180.0) {
        poly.bounds_.lon_lo = poly.x_lo_;
        poly.bounds_.lon_hi = poly.x_hi_;
    } else {  // reaches past the antimeridian on one side: folding both ends gives lon_lo > lon_hi
        poly.bounds_.lon_lo = normalize_lon(poly.x_lo_);
        poly.bounds_.lon_hi = normalize_lon(poly.x_hi_);
    }
    poly.reference_ = {(poly.y_lo_ + poly.y_hi_) * 0.5, normalize_lon((poly.x_lo_ + poly.x_hi_) * 0.5)};

    // Latitude bands: about one per two edges up to 4096, so a real outline tests a handful of edges per point. An
    // edge is listed in every band it overlaps, so a jagged ring whose edges each span much of its latitude range
    // would be listed hundreds of times over (memory and build time growing as edges x bands): fewer bands then, so
    // that the lists hold about kBandEntriesPerEdge entries per edge at most, and each point tests more edges.
    constexpr double kBandEntriesPerEdge = 8;
    const std::size_t edges = poly.ring_.size() - 1;
    const double height = std::max(poly.y_hi_ - poly.y_lo_, 1e-12);
    double spans = 0;  // the edges' latitude extents added up, in units of the ring's whole extent
    for (std::size_t i = 0; i < edges; ++i) spans += std::abs(ys[i + 1] - ys[i]) / height;
    const double affordable = kBandEntriesPerEdge * static_cast<double>(edges) / std::max(spans, 1.0);
    const std::size_t bands =
        std::clamp<std::size_t>(std::min(edges / 2, static_cast<std::size_t>(affordable)), 1, 4096);
    poly.band_h_ = std::max((poly.y_hi_ - poly.y_lo_) / static_cast<double>(bands), 1e-12);
    auto band_of = [&](double y) {
        const auto b = static_cast<std::ptrdiff_t>((y - poly.y_lo_) / poly.band_h_);
        return static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(b, 0, static_cast<std::ptrdiff_t>(bands) - 1));
    };
    std::vector<std::size_t> counts(bands + 1, 0);
    for (std::size_t i = 0; i < edges; ++i) {
        const auto [lo, hi] = std::minmax(ys[i], ys[i + 1]);
        for (std::size_t b = band_of(lo); b <= band_of(hi); ++b) ++counts[b + 1];
    }
    for (std::size_t b = 0; b < bands; ++b) counts[b + 1] += counts[b];
    poly.band_offsets_ = counts;
    poly.band_edges_.resize(counts[bands]);
    std::vector<std::size_t> fill(counts.begin(), counts.end() - 1);
    for (std::size_t i = 0; i < edges; ++i) {
        const auto [lo, hi] = std::minmax(ys[i], ys[i + 1]);
        for (std::size_t b = band_of(lo); b <= band_of(hi); ++b) {
            poly.band_edges_[fill[b]++] = Edge{xs[i], ys[i], xs[i + 1], ys[i + 1]};
        }
    }
    return poly;
}

bool Polygon::contains_unwrapped(double x, double y) const {
    const auto b = static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(
        static_cast<std::ptrdiff_t>((y - y_lo_) / band_h_), 0, static_cast<std::ptrdiff_t>(band_offsets_.size()) - 2));
    bool inside = false;
    // PNPOLY (W. R. Franklin): count edges crossed by a ray from (x, y) towards +x. An edge counts when exactly one
    // endpoint lies strictly above y, which is why a band must list every edge overlapping it.
    for (std::size_t i = band_offsets_[b]; i < band_offsets_[b + 1]; ++i) {
        const Edge& e = band_edges_[i];
        if ((e.y1 > y) != (e.y2 > y) && x < (e.x2 - e.x1) * (y - e.y1) / (e.y2 - e.y1) + e.x1) inside = !inside;
    }
    return inside;
}

bool Polygon::contains(LatLng p) const {
    if (p.lat < y_lo_ || p.lat > y_hi_) return false;
    for (double shift : {0.0, 360.0, -360.0}) {
        const double x = p.lon + shift;
        if (x >= x_lo_ && x <= x_hi_ && contains_unwrapped(x, p.lat)) return true;
    }
    return false;
}

}  // namespace yihu::core::geo
