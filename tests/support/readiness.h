#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <thread>

#include "common/http_client.h"

namespace yihu::testing {

// The status of GET /readyz on 127.0.0.1:port, or 0 when nothing answers (not listening yet, or gone).
inline unsigned readyz_status(std::uint16_t port) {
    try {
        client::HttpClient probe("127.0.0.1", port);
        return probe.request("GET", "/readyz", {}, {}, std::chrono::seconds(1)).status;
    } catch (const std::exception&) {
        return 0;
    }
}

// Polls /readyz until it answers `want` or `timeout` passes. `alive`, when given, ends the wait early (false) once
// the process under test has exited: a node that crashed at start is reported at once, not after the timeout.
inline bool wait_for_readyz(std::uint16_t port, std::chrono::milliseconds timeout, unsigned want = 200,
                            const std::function<bool()>& alive = {}) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (alive && !alive()) return false;
        if (readyz_status(port) == want) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace yihu::testing
