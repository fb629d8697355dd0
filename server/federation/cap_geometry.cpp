#include "federation/cap_geometry.h"

#include <charconv>
#include <string>
#include <vector>

namespace yihu::federation {

namespace {

using core::geo::LatLng;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// One "lat,lon" token exactly (no spaces inside).
bool parse_pair(std::string_view token, LatLng& out) {
    const auto comma = token.find(',');
    if (comma == std::string_view::npos) return false;
    const char* end = token.data() + token.size();
    auto [p1, e1] = std::from_chars(token.data(), token.data() + comma, out.lat);
    if (e1 != std::errc{} || p1 != token.data() + comma) return false;
    auto [p2, e2] = std::from_chars(token.data() + comma + 1, end, out.lon);
    return e2 == std::errc{} && p2 == end;
}

core::Error bad_pair(std::string_view token, std::size_t index) {
    return core::make_error(core::ErrorCode::kInvalidArgument, "coordinate pair " + std::to_string(index + 1) + " ('" +
                                                                   std::string(token.substr(0, 40)) +
                                                                   "') is not \"lat,lon\"");
}

}  // namespace

core::Result<core::geo::Polygon> parse_cap_polygon(std::string_view text) {
    std::vector<LatLng> ring;
    ring.reserve(text.size() / 20);  // about 20 characters per pair in real feeds
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_space(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !is_space(text[i])) ++i;
        if (start == i) break;
        if (ring.size() > core::geo::kMaxPolygonVertices) {
            return core::make_error(core::ErrorCode::kTooManyVertices, "polygon has more than 200,000 vertices");
        }
        LatLng p;
        const std::string_view token = text.substr(start, i - start);
        if (!parse_pair(token, p)) return bad_pair(token, ring.size());
        ring.push_back(p);
    }
    return core::geo::Polygon::make(ring, /*require_closed=*/false);
}

core::Result<core::geo::Circle> parse_cap_circle(std::string_view text) {
    auto bad = [&] {
        return core::make_error(core::ErrorCode::kInvalidArgument,
                                "circle '" + std::string(text.substr(0, 60)) + "' is not \"lat,lon radius_km\"");
    };
    std::size_t i = 0;
    auto token = [&]() {
        while (i < text.size() && is_space(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !is_space(text[i])) ++i;
        return text.substr(start, i - start);
    };
    const std::string_view centre = token();
    const std::string_view radius = token();
    if (centre.empty() || radius.empty() || !token().empty()) return bad();
    LatLng c;
    double km = 0;
    if (!parse_pair(centre, c)) return bad();
    auto [p, e] = std::from_chars(radius.data(), radius.data() + radius.size(), km);
    if (e != std::errc{} || p != radius.data() + radius.size()) return bad();
    return core::geo::Circle::make(c, km * 1000.0);
}

}  // namespace yihu::federation
