#include "ops/config_settings.h"

#include <charconv>
#include <limits>
#include <type_traits>

#include "core/geo/area_union.h"
#include "ops/units.h"

namespace yihu::ops {

namespace {

using core::ErrorCode;
using core::make_error;
using core::Status;

// Each setting reaches its field through a generic lambda, `[](auto& c) -> auto& { return c.server.port; }`, so one
// accessor serves both `set` (on Config&) and `show` (on const Config&).

// 'text' built by appending: GCC 12 at -O3 raises a false -Wrestrict on `"'" + std::string(text)`.
std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out.append(1, '\'').append(text).append(1, '\'');
    return out;
}

template <class Access>
Setting text(std::string section, std::string key, std::string placeholder, std::string meaning, Access access,
             std::function<Status(std::string_view)> check = nullptr) {
    return Setting{
        std::move(section),
        std::move(key),
        std::move(placeholder),
        std::move(meaning),
        ValueKind::kText,
        [access, check](Config& c, std::string_view v) -> Status {
            if (check) {
                if (Status s = check(v); !s) return s;
            }
            access(c) = std::string(v);
            return Status::Ok();
        },
        [access](const Config& c) {
            const auto& value = access(c);
            if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::filesystem::path>) {
                return value.string();
            } else {
                return std::string(value);
            }
        },
    };
}

template <class Access>
Setting integer(std::string section, std::string key, std::string meaning, std::int64_t min, std::int64_t max,
                Access access) {
    return Setting{
        std::move(section),
        std::move(key),
        "N",
        std::move(meaning),
        ValueKind::kInteger,
        [access, min, max](Config& c, std::string_view v) -> Status {
            std::int64_t n = 0;
            const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc{} || ptr != v.data() + v.size() || v.empty()) {
                return make_error(ErrorCode::kInvalidArgument, quoted(v) + " is not a whole number");
            }
            if (n < min || n > max) {
                return make_error(ErrorCode::kInvalidArgument, "must be between " + std::to_string(min) + " and " +
                                                                   std::to_string(max) + ", got " + std::string(v));
            }
            auto& field = access(c);
            field = static_cast<std::decay_t<decltype(field)>>(n);
            return Status::Ok();
        },
        [access](const Config& c) { return std::to_string(access(c)); },
    };
}

template <class Access>
Setting duration(std::string section, std::string key, std::string meaning, Access access) {
    return Setting{
        std::move(section),
        std::move(key),
        "DURATION",
        std::move(meaning),
        ValueKind::kDuration,
        [access](Config& c, std::string_view v) -> Status {
            auto d = parse_duration(v);
            if (!d) return d.error();
            if (d->count() <= 0)
                return make_error(ErrorCode::kInvalidArgument, "must be longer than 0, got " + std::string(v));
            access(c) = *d;
            return Status::Ok();
        },
        [access](const Config& c) { return format_duration(access(c)); },
    };
}

template <class Access>
Setting size(std::string section, std::string key, std::string meaning, Access access) {
    return Setting{
        std::move(section),
        std::move(key),
        "SIZE",
        std::move(meaning),
        ValueKind::kSize,
        [access](Config& c, std::string_view v) -> Status {
            auto n = parse_size(v);
            if (!n) return n.error();
            if (*n == 0) return make_error(ErrorCode::kInvalidArgument, "must be larger than 0, got " + std::string(v));
            access(c) = *n;
            return Status::Ok();
        },
        [access](const Config& c) { return format_size(access(c)); },
    };
}

Status not_empty(std::string_view v) {
    if (v.empty()) return make_error(ErrorCode::kInvalidArgument, "must not be empty");
    return Status::Ok();
}

// Names that end up inside ids and file names: letters, digits, '_', '-' (and '.' where allowed).
std::function<Status(std::string_view)> name_chars(bool allow_dot) {
    return [allow_dot](std::string_view v) -> Status {
        if (v.empty()) return make_error(ErrorCode::kInvalidArgument, "must not be empty");
        for (char ch : v) {
            const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                            ch == '_' || ch == '-' || (allow_dot && ch == '.');
            if (!ok) {
                return make_error(
                    ErrorCode::kInvalidArgument,
                    quoted(v) + " may only contain letters, digits, '_' and '-'" + (allow_dot ? " and '.'" : ""));
            }
        }
        return Status::Ok();
    };
}

Setting log_level() {
    return Setting{
        "log",
        "level",
        "LEVEL",
        "least severe messages logged: trace, debug, info, warn or error",
        ValueKind::kText,
        [](Config& c, std::string_view v) -> Status {
            if (!parse_log_level(v, c.log.level)) {
                return make_error(ErrorCode::kInvalidArgument,
                                  "must be one of trace, debug, info, warn, error; got " + quoted(v));
            }
            return Status::Ok();
        },
        [](const Config& c) { return std::string(to_string(c.log.level)); },
    };
}

std::vector<Setting> make_settings() {
    std::vector<Setting> s;
    s.push_back(text(
        "server", "address", "ADDR", "IP address to listen on", [](auto& c) -> auto& { return c.server.address; },
        not_empty));
    s.push_back(integer(
        "server", "port", "TCP port to listen on (0: any free port)", 0, 65535,
        [](auto& c) -> auto& { return c.server.port; }));
    s.push_back(integer(
        "server", "io_threads", "threads running network I/O", 1, 64,
        [](auto& c) -> auto& { return c.server.io_threads; }));
    s.push_back(text(
        "server", "node_id", "ID", "this node's name in a cluster and in logs",
        [](auto& c) -> auto& { return c.server.node_id; }, name_chars(true)));
    s.push_back(text(
        "server", "city", "NAME", "prefix of alert ids (\"<city>-<n>\")",
        [](auto& c) -> auto& { return c.server.city; }, name_chars(false)));

    s.push_back(text(
        "store", "data_dir", "PATH", "directory for the database and the generated token secret",
        [](auto& c) -> auto& { return c.store.data_dir; }, not_empty));
    s.push_back(duration(
        "store", "history_retention", "how long pushes stay replayable after they were sent",
        [](auto& c) -> auto& { return c.store.history_retention; }));

    s.push_back(text(
        "auth", "token_secret", "TEXT", "HMAC key for tokens (empty: token_secret_file, else generated in data_dir)",
        [](auto& c) -> auto& { return c.auth.token_secret; }));
    s.push_back(text(
        "auth", "token_secret_file", "PATH", "file holding the token HMAC key",
        [](auto& c) -> auto& { return c.auth.token_secret_file; }));
    s.push_back(text(
        "auth", "issuer", "TEXT", "required \"iss\" of every token (empty: not checked)",
        [](auto& c) -> auto& { return c.auth.issuer; }));
    s.push_back(text(
        "auth", "audience", "TEXT", "required \"aud\" of every token (empty: not checked)",
        [](auto& c) -> auto& { return c.auth.audience; }));

    s.push_back(size(
        "limits", "http_body_limit", "largest HTTP request body accepted",
        [](auto& c) -> auto& { return c.limits.http_body_limit; }));
    s.push_back(size(
        "limits", "ws_message_limit", "largest WebSocket message accepted (at most http_body_limit)",
        [](auto& c) -> auto& { return c.limits.ws_message_limit; }));
    s.push_back(size(
        "limits", "ws_send_queue_limit", "bytes queued for one slow WebSocket client before dropping it",
        [](auto& c) -> auto& { return c.limits.ws_send_queue_limit; }));
    s.push_back(integer(
        "limits", "max_area_vertices", "polygon vertices in one dispatcher request's area (more: 400)", 3,
        core::geo::kMaxAreaVertices, [](auto& c) -> auto& { return c.limits.max_area_vertices; }));
    s.push_back(integer(
        "limits", "push_outline_vertices", "polygon vertices of the outline pushed for a larger area", 3, 100'000,
        [](auto& c) -> auto& { return c.limits.push_outline_vertices; }));
    s.push_back(integer(
        "limits", "max_connections", "open connections accepted at once", 1, 10'000'000,
        [](auto& c) -> auto& { return c.limits.max_connections; }));
    s.push_back(duration(
        "limits", "hello_timeout", "close a volunteer socket that has not sent a valid Hello within this",
        [](auto& c) -> auto& { return c.limits.hello_timeout; }));
    s.push_back(integer(
        "limits", "max_unauthenticated", "volunteer sockets open before Hello (at most half of max_connections)", 1,
        10'000'000, [](auto& c) -> auto& { return c.limits.max_unauthenticated; }));
    s.push_back(integer(
        "limits", "position_rate", "position updates a second per volunteer connection (0: no limit)", 0, 1'000'000,
        [](auto& c) -> auto& { return c.limits.position_rate; }));
    s.push_back(integer(
        "limits", "position_burst", "position updates allowed at once above position_rate", 1, 1'000'000,
        [](auto& c) -> auto& { return c.limits.position_burst; }));
    s.push_back(integer(
        "limits", "request_rate",
        "HTTP requests a second per token, other volunteer messages a second per connection (0: no limit)", 0,
        1'000'000, [](auto& c) -> auto& { return c.limits.request_rate; }));
    s.push_back(integer(
        "limits", "request_burst", "requests allowed at once above request_rate", 1, 1'000'000,
        [](auto& c) -> auto& { return c.limits.request_burst; }));
    s.push_back(integer(
        "limits", "connection_rate", "new connections a second per client address (0: no limit)", 0, 1'000'000,
        [](auto& c) -> auto& { return c.limits.connection_rate; }));
    s.push_back(integer(
        "limits", "connection_burst", "new connections allowed at once above connection_rate", 1, 1'000'000,
        [](auto& c) -> auto& { return c.limits.connection_burst; }));

    s.push_back(duration(
        "delivery", "ack_timeout", "wait for a client's acknowledgement before resending",
        [](auto& c) -> auto& { return c.delivery.ack_timeout; }));
    s.push_back(integer(
        "delivery", "max_retries", "resends of an unacknowledged push (0: none)", 0, 1000,
        [](auto& c) -> auto& { return c.delivery.max_retries; }));
    s.push_back(duration(
        "delivery", "heartbeat_interval", "ping period on idle connections (below idle_timeout)",
        [](auto& c) -> auto& { return c.delivery.heartbeat_interval; }));
    s.push_back(duration(
        "delivery", "idle_timeout", "close a connection silent for this long",
        [](auto& c) -> auto& { return c.delivery.idle_timeout; }));
    s.push_back(duration(
        "delivery", "position_interval", "how often volunteers' apps report their position",
        [](auto& c) -> auto& { return c.delivery.position_interval; }));
    s.push_back(duration(
        "delivery", "position_max_age", "older positions are not used for matching",
        [](auto& c) -> auto& { return c.delivery.position_max_age; }));

    s.push_back(log_level());

    s.push_back(text(
        "redis", "url", "URL",
        "Redis for a cluster, e.g. redis://host:6379 or redis-sentinel://s1:26379,s2:26379,s3:26379/master-name "
        "(empty: single node)",
        [](auto& c) -> auto& { return c.redis.url; }));
    s.push_back(duration(
        "redis", "lease_ttl", "a dead cluster leader is replaced within this (at least 1s)",
        [](auto& c) -> auto& { return c.redis.lease_ttl; }));
    s.push_back(integer(
        "redis", "wait_replicas", "replicas that must have a write before it is acknowledged (WAIT; 0: none)", 0, 16,
        [](auto& c) -> auto& { return c.redis.wait_replicas; }));
    s.push_back(duration(
        "redis", "wait_timeout", "fewer replicas than wait_replicas within this: the request gets 503",
        [](auto& c) -> auto& { return c.redis.wait_timeout; }));

    s.push_back(text(
        "web", "root", "PATH", "directory of the console and volunteer app (clients/web; empty: none)",
        [](auto& c) -> auto& { return c.web.root; }));
    s.push_back(text(
        "web", "leaflet_dir", "PATH", "Leaflet's files, served as /vendor/leaflet/",
        [](auto& c) -> auto& { return c.web.leaflet_dir; }));
    s.push_back(text(
        "web", "tile_url", "URL", "the console's map tiles, {z}/{x}/{y} template (empty: a plain grid)",
        [](auto& c) -> auto& { return c.web.tile_url; }));

    s.push_back(text(
        "tls", "cert_file", "PATH", "PEM certificate chain: serve HTTPS and WSS (with key_file; empty: plain)",
        [](auto& c) -> auto& { return c.tls.cert_file; }));
    s.push_back(text(
        "tls", "key_file", "PATH", "PEM private key of tls.cert_file",
        [](auto& c) -> auto& { return c.tls.key_file; }));
    s.push_back(text(
        "tls", "ca_file", "PATH", "PEM CAs that peers' certificates must chain to on wss:// (empty: system CAs)",
        [](auto& c) -> auto& { return c.tls.ca_file; }));

    s.push_back(integer(
        "demo", "volunteers", "simulated volunteers to start with (0: none)", 0, 1'000'000,
        [](auto& c) -> auto& { return c.demo.volunteers; }));
    return s;
}

}  // namespace

const std::vector<Setting>& settings() {
    static const std::vector<Setting> kSettings = make_settings();
    return kSettings;
}

const std::vector<std::string_view>& config_sections() {
    static const std::vector<std::string_view> kSections = {
        "server", "store", "auth", "limits", "delivery", "log", "redis", "web", "tls", "demo",
        kCapSection, kDeviceSection, kPeerSection, kFederationSection};
    return kSections;
}

}  // namespace yihu::ops
