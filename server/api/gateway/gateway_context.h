#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "api/auth/token.h"
#include "api/hub/hub_link.h"
#include "federation/cap_export.h"
#include "federation/cap_import.h"
#include "net/rate_limiter.h"

namespace yihu::api {

class StaticRoutes;
class PeerLinks;

// What the network-facing handlers share: the link to the hub they hand work to, how they check tokens, and their
// limits.
struct GatewayContext {
    HubLink* hub = nullptr;
    std::string token_secret;
    TokenPolicy token_policy;  // iss/aud checks (auth.issuer, auth.audience)
    Hub::Clock clock;
    // Runs work on an I/O thread. The hub answers commands on its own thread (or a cluster link on its Redis thread):
    // the reply's JSON and status are made here instead, so a large answer never holds the hub. Null: inline.
    std::function<void(std::function<void()>)> run_on_io;
    std::size_t ws_message_limit = 64 * 1024;     // larger volunteer frames: FRAME_TOO_LARGE, then close
    std::size_t max_area_vertices = 100'000;      // polygon vertices in a dispatcher request's area
    std::function<std::string()> render_metrics;  // Prometheus text for /metrics
    // /readyz: why the node is not ready (nullopt: ready).
    std::function<std::optional<std::string>()> not_ready;
    const StaticRoutes* static_routes = nullptr;  // the console and app pages; null: none
    // CAP 1.2 ([cap]): what POST /v1/cap/alerts accepts, and who this city is in the CAP it writes.
    federation::CapImportConfig cap_import;
    federation::CapExportOptions cap_export;
    PeerLinks* peer_links = nullptr;  // /v1/federation; null: no peers configured (404)
    std::atomic<std::uint64_t> next_session{1};
    // Per volunteer connection, decided on its strand before the hub sees anything: PositionUpdates, and every other
    // message but Hello. Beyond: RATE_LIMITED (not fatal) and the message is dropped.
    net::RateLimit position_rate;
    net::RateLimit message_rate;
    std::atomic<std::uint64_t> positions_rate_limited{0};
    std::atomic<std::uint64_t> messages_rate_limited{0};
};

}  // namespace yihu::api
