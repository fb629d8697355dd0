#pragma once

#include "core/result.h"

namespace yihu::core::geo {

// A WGS84 position in degrees. Plain data: a LatLng that came from outside is checked by validate() before use.
struct LatLng {
    double lat = 0.0;  // degrees, -90..90 inclusive
    double lon = 0.0;  // degrees, -180..180 inclusive (180 and -180 are the same meridian)

    friend bool operator==(const LatLng&, const LatLng&) = default;
};

// Ok if both values are finite and in range; otherwise kNotFinite, kLatitudeOutOfRange or kLongitudeOutOfRange.
Status validate(LatLng p);

}  // namespace yihu::core::geo
