#include "redis/redis_address.h"

#include <charconv>

namespace yihu::redis {

namespace {

constexpr std::string_view kExpected =
    " (expected redis://[[user]:password@]host[:port][/db] or "
    "redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/master-name[/db])";

core::Error invalid(std::string_view url, std::string_view why) {
    std::string message = "redis url \"";
    message += url;
    message += "\": ";
    message += why;
    message += kExpected;
    return core::make_error(core::ErrorCode::kInvalidArgument, std::move(message));
}

template <class Int>
bool parse_int(std::string_view text, Int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

// "host[:port]" with `default_port`; false when the port is not 1-65535 or the host is empty.
bool parse_host_port(std::string_view text, std::uint16_t default_port, HostPort& out) {
    out.port = default_port;
    if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        if (!parse_int(text.substr(colon + 1), out.port) || out.port == 0) return false;
        text = text.substr(0, colon);
    }
    out.host = std::string(text);
    return !text.empty();
}

bool parse_db(std::string_view text, int& db) {
    return text.empty() || (parse_int(text, db) && db >= 0 && db <= 15);
}

}  // namespace

std::string RedisAddress::describe() const {
    std::string out;
    if (via_sentinel()) {
        out = "sentinel ";
        out += master_name;
        out += '@';
        for (std::size_t i = 0; i < sentinels.size(); ++i) {
            if (i > 0) out += ',';
            out += sentinels[i].host + ':' + std::to_string(sentinels[i].port);
        }
    } else {
        out = host + ':' + std::to_string(port);
    }
    out += '/';
    out += std::to_string(db);
    return out;
}

core::Result<RedisAddress> parse_redis_url(std::string_view url) {
    constexpr std::string_view kScheme = "redis://";
    constexpr std::string_view kSentinelScheme = "redis-sentinel://";
    if (url.starts_with("rediss://")) return invalid(url, "TLS (rediss://) is not supported");
    const bool sentinel = url.starts_with(kSentinelScheme);
    if (!sentinel && !url.starts_with(kScheme)) return invalid(url, "must start with redis:// or redis-sentinel://");
    std::string_view rest = url.substr(sentinel ? kSentinelScheme.size() : kScheme.size());

    RedisAddress address;
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        if (const auto colon = credentials.find(':'); colon != std::string_view::npos) {
            address.user = std::string(credentials.substr(0, colon));
            address.password = std::string(credentials.substr(colon + 1));
        } else {
            address.password = std::string(credentials);
        }
    }
    std::string_view path;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    if (!sentinel) {
        if (!parse_db(path, address.db)) return invalid(url, "the database must be a number from 0 to 15");
        HostPort server;
        if (rest.empty()) return invalid(url, "no host");
        if (!parse_host_port(rest, 6379, server)) return invalid(url, "the port must be a number from 1 to 65535");
        address.host = std::move(server.host);
        address.port = server.port;
        return address;
    }

    const auto slash = path.find('/');
    address.master_name = std::string(path.substr(0, slash));
    if (address.master_name.empty()) return invalid(url, "no master name after the sentinels");
    if (slash != std::string_view::npos && !parse_db(path.substr(slash + 1), address.db)) {
        return invalid(url, "the database must be a number from 0 to 15");
    }
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        HostPort s;
        if (!parse_host_port(rest.substr(0, comma), 26379, s)) {
            return invalid(url, "every sentinel needs a host, and a port from 1 to 65535");
        }
        address.sentinels.push_back(std::move(s));
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    if (address.sentinels.empty()) return invalid(url, "no sentinel");
    return address;
}

}  // namespace yihu::redis
