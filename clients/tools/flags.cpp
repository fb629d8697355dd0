#include "tools/flags.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "ops/units.h"

namespace yihu::tools {

using core::ErrorCode;
using core::make_error;

namespace {

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

core::Error flag_error(std::string_view flag, const std::string& message) {
    return make_error(ErrorCode::kInvalidArgument, "--" + std::string(flag) + ": " + message);
}

// 90 rather than std::to_string's 90.000000.
std::string shortest(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

}  // namespace

core::Result<std::vector<std::string>> split_list(std::string_view flag, std::string_view text) {
    std::vector<std::string> items;
    if (trim(text).empty()) return items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::string item = trim(text.substr(start, comma - start));
        if (item.empty()) return flag_error(flag, "empty item in \"" + std::string(text) + "\"");
        items.push_back(std::move(item));
        start = comma + 1;
    }
    return items;
}

core::Result<double> parse_number(std::string_view flag, std::string_view text, double min, double max) {
    const std::string s = trim(text);
    if (s.empty()) return flag_error(flag, "a number is required");
    // strtod rather than from_chars: GCC 12's libstdc++ has both, but strtod also takes "1e3" and leading '+'.
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(value)) {
        return flag_error(flag, "\"" + s + "\" is not a number");
    }
    if (value < min || value > max) {
        return flag_error(flag, s + " is outside [" + shortest(min) + ", " + shortest(max) + "]");
    }
    return value;
}

core::Result<LatLon> parse_lat_lon(std::string_view flag, std::string_view text) {
    const auto comma = text.find(',');
    if (comma == std::string_view::npos || text.find(',', comma + 1) != std::string_view::npos) {
        return flag_error(flag, "expected LAT,LON in degrees, e.g. 22.93,113.89");
    }
    auto lat = parse_number(flag, text.substr(0, comma), -90, 90);
    if (!lat) return lat.error();
    auto lon = parse_number(flag, text.substr(comma + 1), -180, 180);
    if (!lon) return lon.error();
    return LatLon{*lat, *lon};
}

core::Result<std::chrono::milliseconds> parse_duration_flag(std::string_view flag, std::string_view text) {
    const std::string s = trim(text);
    if (s == "0") return std::chrono::milliseconds{0};
    auto parsed = ops::parse_duration(s);
    if (!parsed) return flag_error(flag, parsed.error().message);
    return *parsed;
}

core::Result<core::Tier> parse_tier(std::string_view flag, std::string_view text) {
    if (text == "public") return core::Tier::kPublic;
    if (text == "registered") return core::Tier::kRegistered;
    if (text == "vetted") return core::Tier::kVetted;
    return flag_error(flag, "expected public, registered or vetted");
}

}  // namespace yihu::tools
