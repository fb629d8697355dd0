#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <sstream>
#include <string>

#include "common/http_client.h"

namespace yihu::bench {

// One unlabelled metric's value from a node's /metrics on 127.0.0.1:port; nullopt when the metric is absent or the
// node does not answer within 2 s. Shared by the benchmarks that watch running yihu-server processes.
inline std::optional<double> metric_value(std::uint16_t port, const std::string& name) {
    try {
        client::HttpClient http("127.0.0.1", port);
        const std::string body = http.request("GET", "/metrics", {}, {}, std::chrono::seconds(2)).body;
        std::istringstream lines(body);
        std::string line;
        while (std::getline(lines, line)) {
            if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

}  // namespace yihu::bench
