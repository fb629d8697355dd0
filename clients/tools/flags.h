#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/index/volunteer.h"
#include "core/result.h"

namespace yihu::tools {

// Flag values as people type them. Every error message names the flag ("--center: ..."), so main() can print it
// as is.

// "a,b, c" -> {"a", "b", "c"}. An empty item ("a,,b") is an error; an empty text is an empty list.
core::Result<std::vector<std::string>> split_list(std::string_view flag, std::string_view text);

// "22.93,113.89": latitude then longitude, degrees, in range.
struct LatLon {
    double latitude = 0;
    double longitude = 0;
};
core::Result<LatLon> parse_lat_lon(std::string_view flag, std::string_view text);

// A whole number of a unit ("250ms", "60s", "5m", "2h"), or "0" for none / forever.
core::Result<std::chrono::milliseconds> parse_duration_flag(std::string_view flag, std::string_view text);

// A finite number, whole text, within [min, max].
core::Result<double> parse_number(std::string_view flag, std::string_view text, double min, double max);

// "public", "registered" or "vetted".
core::Result<core::Tier> parse_tier(std::string_view flag, std::string_view text);

}  // namespace yihu::tools
