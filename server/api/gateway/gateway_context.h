#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "api/hub/hub_link.h"

namespace yihu::api {

class StaticRoutes;

// What the network-facing handlers share: the link to the hub they hand work to, how they check tokens, and their
// limits.
struct GatewayContext {
    HubLink* hub = nullptr;
    std::string token_secret;
    Hub::Clock clock;
    std::size_t ws_message_limit = 64 * 1024;     // larger volunteer frames: FRAME_TOO_LARGE, then close
    std::function<std::string()> render_metrics;  // Prometheus text for /metrics
    std::function<bool()> ready;                  // /readyz
    const StaticRoutes* static_routes = nullptr;  // the console and app pages; null: none
    std::atomic<std::uint64_t> next_session{1};
};

}  // namespace yihu::api
