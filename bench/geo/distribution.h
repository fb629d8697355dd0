#pragma once

#include <optional>
#include <string_view>

namespace yihu::bench {

// How volunteers are spread over the region.
enum class Distribution {
    kUniform,
    kClustered,  // hot spots (malls, stations, dormitories) over a uniform background
};

inline std::string_view distribution_name(Distribution d) {
    return d == Distribution::kUniform ? "uniform" : "clustered";
}

inline std::optional<Distribution> parse_distribution(std::string_view name) {
    if (name == "uniform") return Distribution::kUniform;
    if (name == "clustered") return Distribution::kClustered;
    return std::nullopt;
}

}  // namespace yihu::bench
