#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert/alert_kind.h"
#include "core/geo/lat_lng.h"
#include "core/result.h"
#include "federation/cap_config.h"
#include "ops/peer_config.h"

namespace yihu::core {
struct Device;
}

namespace yihu::ops {

enum class LogLevel : std::uint8_t { kTrace, kDebug, kInfo, kWarn, kError };

std::string_view to_string(LogLevel level);
bool parse_log_level(std::string_view text, LogLevel& out);
bool parse_alert_kind(std::string_view text, core::AlertKind& out);

struct ServerConfig {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: the OS picks a free port (tests)
    int io_threads = 2;         // 1..64
    std::string node_id = "node-1";
    std::string city = "dongguan";  // alert ids are "<city>-<n>": [A-Za-z0-9_-] only
};

struct StoreConfig {
    std::filesystem::path data_dir = "./yihu-data";
    std::chrono::milliseconds history_retention = std::chrono::hours{72};  // how long pushes stay replayable
};

// Empty both: the node generates <data_dir>/token-secret on first start and reuses it (ops/secret_file.h).
struct AuthConfig {
    std::string token_secret;
    std::filesystem::path token_secret_file;
    // When set, a token's "iss" must equal issuer and its "aud" must be (or list) audience. Empty: not checked.
    std::string issuer;
    std::string audience;
};

struct LimitsConfig {
    std::size_t http_body_limit = 4 << 20;      // bytes
    std::size_t ws_message_limit = 64 << 10;    // bytes; at most http_body_limit
    std::size_t ws_send_queue_limit = 1 << 20;  // bytes queued to one slow WebSocket client before it is dropped
    // Polygon vertices in one dispatcher request's area (all polygons together); more: 400 INVALID_ARGUMENT. Bounds
    // the hub's work per request (indexing, matching, storing the alert).
    std::size_t max_area_vertices = 100'000;
    // Polygon vertices in the area a push or feed event carries; a larger area goes out as an outline of this many
    // (core/geo/outline.h). In JSON a vertex takes at most 72 bytes and the rest of a push (texts at their caps, up
    // to 512 circles, texts escaped) at most 160 KiB, so the default keeps every push well inside ws_send_queue_limit's
    // default.
    std::size_t push_outline_vertices = 1000;
    std::size_t max_connections = 18000;
    // A volunteer socket that has not authenticated (Hello) within hello_timeout is closed with 1008. At most
    // max_unauthenticated such sockets are open at once (and never more than half of max_connections), so strangers
    // cannot fill the node; further upgrades get 503.
    std::chrono::milliseconds hello_timeout = std::chrono::seconds{10};
    std::size_t max_unauthenticated = 1000;
    // Token buckets, in events per second and burst; a rate of 0 turns the limit off. Beyond: RATE_LIMITED (a
    // volunteer Error, or HTTP 429 with Retry-After).
    std::uint32_t position_rate = 2;  // PositionUpdates per volunteer connection (phones send one every few seconds)
    std::uint32_t position_burst = 20;
    std::uint32_t request_rate = 50;  // HTTP requests per bearer token; other volunteer messages per connection
    std::uint32_t request_burst = 200;
    // New connections per client address (IPv6: per /64). Off by default: behind a load balancer or a carrier's NAT
    // many phones share one address.
    std::uint32_t connection_rate = 0;
    std::uint32_t connection_burst = 100;
};

struct DeliveryConfig {
    std::chrono::milliseconds ack_timeout = std::chrono::seconds{10};
    int max_retries = 5;                                                      // 0: deliver once, never retry
    std::chrono::milliseconds heartbeat_interval = std::chrono::seconds{25};  // shorter than idle_timeout
    std::chrono::milliseconds idle_timeout = std::chrono::seconds{60};
    std::chrono::milliseconds position_interval = std::chrono::seconds{10};  // shorter than position_max_age
    std::chrono::milliseconds position_max_age = std::chrono::minutes{10};
};

struct LogConfig {
    LogLevel level = LogLevel::kInfo;
};

struct RedisConfig {
    std::string url;  // empty: a single node without Redis
    // The leader lease: a dead leader is replaced after at most this long (docs/cluster.md).
    std::chrono::milliseconds lease_ttl = std::chrono::seconds{5};
    // Above 0: the leader's store writes count as done only once this many replicas have them (WAIT), else 503
    // after wait_timeout; an acknowledged write then survives a Sentinel failover (docs/cluster.md).
    int wait_replicas = 0;
    std::chrono::milliseconds wait_timeout = std::chrono::seconds{1};
};

// The pages the node serves itself (api/gateway/static_routes.h): the console, the volunteer app, the JS library.
struct WebConfig {
    std::filesystem::path root;  // the repository's clients/web; empty: no pages
    std::filesystem::path leaflet_dir = "/usr/share/javascript/leaflet";  // Debian's libjs-leaflet
    std::string tile_url;  // the base map's tile URL template ({z}/{x}/{y}); empty: a plain grid, fully offline
};

// [tls]: the node's own certificate (HTTPS and WSS on server.port) and the CAs it trusts when it dials peers over
// wss:// (net/tls_context.h). cert_file and key_file go together.
struct TlsConfig {
    std::filesystem::path cert_file;
    std::filesystem::path key_file;
    std::filesystem::path ca_file;
};

struct DemoConfig {
    int volunteers = 0;
};

// A [[device]] table: a fixed-location trigger such as a rescue hut's door alarm. Mirrors core::Device.
struct DeviceConfig {
    std::string id;    // required, unique, no spaces
    std::string name;  // defaults to the id
    core::geo::LatLng position;
    core::AlertKind kind = core::AlertKind::kDrowning;  // required in the file
    std::size_t responders_wanted = 3;                  // 1..10000
};

core::Device to_core_device(const DeviceConfig& device);

struct Config {
    ServerConfig server;
    StoreConfig store;
    AuthConfig auth;
    LimitsConfig limits;
    DeliveryConfig delivery;
    LogConfig log;
    RedisConfig redis;
    DemoConfig demo;
    WebConfig web;
    TlsConfig tls;
    federation::CapSettings cap;  // [cap]: docs/federation.md
    std::vector<DeviceConfig> devices;
    FederationConfig federation;  // [federation] and [[peer]] (peer_config.h)
};

struct LoadedConfig {
    Config config;
    bool exit_now = false;  // --help was printed: the caller exits with exit_code
    int exit_code = 0;
};

// Defaults, then the TOML file of --config, then the flags (--section.key VALUE, --port, --data-dir, --log-level).
// --help prints every option to help_out and sets exit_now. Every error is kInvalidArgument with a message naming
// the key (and the file and line for the file's errors).
core::Result<LoadedConfig> load_config(int argc, const char* const* argv, std::ostream& help_out);

// A configuration from the text of a TOML file on top of the defaults, validated. Unknown sections and keys are
// errors: a misspelt key must not silently leave the default in place.
core::Result<Config> parse_config_toml(std::string_view toml_text);

// The same from a file; errors start with the path. Used by --config and by yihu-token.
core::Result<Config> load_config_file(const std::filesystem::path& path);

// The checks that involve more than one key (ws_message_limit <= http_body_limit, heartbeat shorter than idle
// timeout, unique device ids, ...). Single-key checks happen as each value is read.
core::Status validate(const Config& config);

// One "section.key = value" line per key, for the start-up log. Never shows the token secret ("(set)",
// "(generated)") or a password in redis.url.
std::string describe(const Config& config);

}  // namespace yihu::ops
