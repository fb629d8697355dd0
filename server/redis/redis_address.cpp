#include "redis/redis_address.h"

#include <charconv>

namespace yihu::redis {

namespace {

core::Error invalid(std::string_view url, std::string_view why) {
    std::string message = "redis url \"";
    message += url;
    message += "\": ";
    message += why;
    message += " (expected redis://[[user]:password@]host[:port][/db])";
    return core::make_error(core::ErrorCode::kInvalidArgument, std::move(message));
}

template <class Int>
bool parse_int(std::string_view text, Int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::string RedisAddress::describe() const {
    std::string out = host;
    out += ':';
    out += std::to_string(port);
    out += '/';
    out += std::to_string(db);
    return out;
}

core::Result<RedisAddress> parse_redis_url(std::string_view url) {
    constexpr std::string_view kScheme = "redis://";
    if (url.starts_with("rediss://")) return invalid(url, "TLS (rediss://) is not supported");
    if (!url.starts_with(kScheme)) return invalid(url, "must start with redis://");
    std::string_view rest = url.substr(kScheme.size());

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
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        const std::string_view db = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
        if (!db.empty() && (!parse_int(db, address.db) || address.db < 0 || address.db > 15)) {
            return invalid(url, "the database must be a number from 0 to 15");
        }
    }
    if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        if (!parse_int(rest.substr(colon + 1), address.port) || address.port == 0) {
            return invalid(url, "the port must be a number from 1 to 65535");
        }
        rest = rest.substr(0, colon);
    }
    if (rest.empty()) return invalid(url, "no host");
    address.host = std::string(rest);
    return address;
}

}  // namespace yihu::redis
