#include "core/geo/lat_lng.h"

#include <cmath>
#include <string>

namespace yihu::core::geo {

Status validate(LatLng p) {
    if (!std::isfinite(p.lat) || !std::isfinite(p.lon)) {
        return make_error(ErrorCode::kNotFinite, "latitude and longitude must be finite numbers");
    }
    if (p.lat < -90.0 || p.lat > 90.0) {
        return make_error(ErrorCode::kLatitudeOutOfRange, "latitude must be within [-90, 90] degrees");
    }
    if (p.lon < -180.0 || p.lon > 180.0) {
        return make_error(ErrorCode::kLongitudeOutOfRange, "longitude must be within [-180, 180] degrees");
    }
    return Status::Ok();
}

}  // namespace yihu::core::geo
