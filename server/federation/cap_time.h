#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace yihu::federation {

// CAP 1.2 times: "YYYY-MM-DDThh:mm:ss" followed by a numeric offset ("+08:00", "-00:00"), as the schema's pattern
// requires ("Z" is not allowed). Fractional seconds are not part of CAP and are rejected. kInvalidArgument if the text
// is not such a time or names an impossible date.
core::Result<core::Time> parse_cap_time(std::string_view text);

// `t` in UTC, whole seconds (truncated towards the past), with the offset "+00:00".
std::string format_cap_time(core::Time t);

}  // namespace yihu::federation
