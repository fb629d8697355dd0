#pragma once

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/geo/lat_lng.h"

namespace yihu::testing {

// The first <polygon> of a CAP file as (lat, lon) vertices. A test helper only: production CAP parsing lives in
// server/federation.
inline std::vector<core::geo::LatLng> read_cap_polygon(const std::string& path) {
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string xml = buf.str();
    const auto open = xml.find("<polygon>");
    const auto close = xml.find("</polygon>");
    std::vector<core::geo::LatLng> ring;
    if (open == std::string::npos || close == std::string::npos) return ring;
    std::istringstream pairs(xml.substr(open + 9, close - open - 9));
    std::string pair;
    while (pairs >> pair) {
        const auto comma = pair.find(',');
        ring.push_back({std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1))});
    }
    return ring;
}

inline std::string test_data(const std::string& relative) {
    return std::string(YIHU_TEST_DATA_DIR) + "/" + relative;
}

}  // namespace yihu::testing
