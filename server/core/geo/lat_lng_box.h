#pragma once

#include <array>
#include <cstddef>

namespace yihu::core::geo {

// A closed interval of longitudes in [-180, 180].
struct LonRange {
    double lo = -180.0;
    double hi = 180.0;
};

// A latitude/longitude bounding box that may cross the antimeridian. Used to pick the grid cells an area may touch,
// so it may be larger than the area, never smaller.
struct LatLngBox {
    double lat_lo = -90.0;
    double lat_hi = 90.0;
    // lon_lo > lon_hi means the box crosses the antimeridian: [lon_lo, 180] and [-180, lon_hi].
    double lon_lo = -180.0;
    double lon_hi = 180.0;

    bool crosses_antimeridian() const { return lon_lo > lon_hi; }
    bool full_longitude() const { return lon_lo <= -180.0 && lon_hi >= 180.0; }

    // The box's longitude extent as one or two ranges inside [-180, 180]; returns how many.
    std::size_t lon_ranges(std::array<LonRange, 2>& out) const {
        if (!crosses_antimeridian()) {
            out[0] = {lon_lo, lon_hi};
            return 1;
        }
        out[0] = {lon_lo, 180.0};
        out[1] = {-180.0, lon_hi};
        return 2;
    }

    // Extent in degrees of longitude (0..360).
    double lon_span() const { return crosses_antimeridian() ? (180.0 - lon_lo) + (lon_hi + 180.0) : lon_hi - lon_lo; }
    double lat_span() const { return lat_hi - lat_lo; }
};

}  // namespace yihu::core::geo
