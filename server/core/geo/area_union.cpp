#include "core/geo/area_union.h"

#include <algorithm>
#include <array>
#include <string>

namespace yihu::core::geo {

namespace {

bool in_box_lat(const LatLngBox& box, LatLng p) {
    return p.lat >= box.lat_lo && p.lat <= box.lat_hi;
}

}  // namespace

LatLngBox union_bounds(const std::vector<LatLngBox>& boxes) {
    LatLngBox out;
    out.lat_lo = 90.0;
    out.lat_hi = -90.0;
    std::vector<LonRange> ranges;
    bool full = false;
    for (const LatLngBox& b : boxes) {
        out.lat_lo = std::min(out.lat_lo, b.lat_lo);
        out.lat_hi = std::max(out.lat_hi, b.lat_hi);
        if (b.full_longitude()) full = true;
        std::array<LonRange, 2> r;
        const std::size_t n = b.lon_ranges(r);
        ranges.insert(ranges.end(), r.begin(), r.begin() + static_cast<std::ptrdiff_t>(n));
    }
    out.lon_lo = -180.0;
    out.lon_hi = 180.0;
    if (full || ranges.empty()) return out;
    // Merge the ranges on [-180, 180], then find the widest uncovered gap, counting the one that wraps past 180.
    std::sort(ranges.begin(), ranges.end(), [](const LonRange& a, const LonRange& b) { return a.lo < b.lo; });
    std::vector<LonRange> merged;
    for (const LonRange& r : ranges) {
        if (!merged.empty() && r.lo <= merged.back().hi) {
            merged.back().hi = std::max(merged.back().hi, r.hi);
        } else {
            merged.push_back(r);
        }
    }
    // The wrap gap runs from the last range's end over 180 to the first range's start.
    double best_gap = (180.0 - merged.back().hi) + (merged.front().lo + 180.0);
    double lo = merged.front().lo;
    double hi = merged.back().hi;
    for (std::size_t i = 0; i + 1 < merged.size(); ++i) {
        const double gap = merged[i + 1].lo - merged[i].hi;
        if (gap > best_gap) {
            best_gap = gap;
            lo = merged[i + 1].lo;  // the box starts after the gap and wraps round to before it
            hi = merged[i].hi;
        }
    }
    if (best_gap <= 0.0) return out;  // every longitude is covered
    out.lon_lo = lo;
    out.lon_hi = hi;
    return out;
}

Result<AreaUnion> AreaUnion::make(std::vector<Circle> circles, std::vector<Polygon> polygons) {
    const std::size_t parts = circles.size() + polygons.size();
    if (parts < 2) return make_error(ErrorCode::kInvalidArgument, "an area union needs at least two shapes");
    if (parts > kMaxAreaParts) {
        return make_error(ErrorCode::kInvalidArgument, "an area holds at most " + std::to_string(kMaxAreaParts) +
                                                           " shapes, got " + std::to_string(parts));
    }
    std::size_t vertices = 0;
    for (const Polygon& p : polygons) vertices += p.vertex_count();
    if (vertices > kMaxAreaVertices) {
        return make_error(ErrorCode::kTooManyVertices, "an area's polygons hold more than 200,000 vertices in all");
    }
    AreaUnion u;
    u.circles_ = std::move(circles);
    u.polygons_ = std::move(polygons);
    u.part_bounds_.reserve(parts);
    for (const Circle& c : u.circles_) u.part_bounds_.push_back(c.bounds());
    for (const Polygon& p : u.polygons_) u.part_bounds_.push_back(p.bounds());
    u.bounds_ = union_bounds(u.part_bounds_);
    const double lat = (u.bounds_.lat_lo + u.bounds_.lat_hi) * 0.5;
    const double lon = u.bounds_.full_longitude() ? 0.0 : normalize_lon(u.bounds_.lon_lo + u.bounds_.lon_span() * 0.5);
    u.reference_ = {lat, lon};
    return u;
}

bool AreaUnion::part_contains(std::size_t part, const UnitVec& u, LatLng p) const {
    if (part < circles_.size()) return circles_[part].contains(u);
    if (!in_box_lat(part_bounds_[part], p)) return false;  // most points miss most polygons on latitude alone
    return polygons_[part - circles_.size()].contains(p);
}

bool AreaUnion::owns(std::size_t part, const UnitVec& u, LatLng p) const {
    if (!part_contains(part, u, p)) return false;
    for (std::size_t i = 0; i < part; ++i) {
        if (part_contains(i, u, p)) return false;
    }
    return true;
}

bool AreaUnion::contains(const UnitVec& u, LatLng p) const {
    for (std::size_t i = 0; i < part_count(); ++i) {
        if (part_contains(i, u, p)) return true;
    }
    return false;
}

}  // namespace yihu::core::geo
