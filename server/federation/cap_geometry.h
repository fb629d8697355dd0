#pragma once

#include <string_view>

#include "core/geo/circle.h"
#include "core/geo/polygon.h"

namespace yihu::federation {

// CAP <polygon>: whitespace-separated "lat,lon" pairs (WGS84 degrees). The ring should repeat its first pair last, as
// CAP requires; a ring that does not is closed here (real feeds sometimes forget). The core's polygon rules apply
// (core/geo/polygon.h). kInvalidArgument naming the bad pair, or the polygon's own error code.
core::Result<core::geo::Polygon> parse_cap_polygon(std::string_view text);

// CAP <circle>: "lat,lon radius" with the radius in kilometres; whitespace around the parts is allowed.
core::Result<core::geo::Circle> parse_cap_circle(std::string_view text);

}  // namespace yihu::federation
