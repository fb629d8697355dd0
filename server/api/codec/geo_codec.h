#pragma once

#include "core/geo/area.h"
#include "core/result.h"
#include "yihu/v1/common.pb.h"

namespace yihu::api {

void to_proto(core::geo::LatLng p, v1::LatLng* out);
void to_proto(const core::geo::Area& area, v1::Area* out);
void to_proto(const core::geo::LatLngBox& box, v1::LatLngBox* out);

// Checked conversions: a wire coordinate or area reaches the core only through these.
core::Result<core::geo::LatLng> from_proto(const v1::LatLng& p);
// kInvalidArgument for an Area with no shape, or with `shapes` of fewer than two or more than kMaxAreaParts shapes.
core::Result<core::geo::Area> from_proto(const v1::Area& area);

}  // namespace yihu::api
