#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace yihu::redis {

// Where a Redis server is, from a URL: redis://[[user]:password@]host[:port][/db]. The port defaults to 6379 and the
// database to 0. Only plain TCP: yihu's Redis sits on a private network or loopback (TLS would be rediss://, refused
// with a clear error rather than silently sent in clear).
struct RedisAddress {
    std::string host;
    std::uint16_t port = 6379;
    std::string user;      // Redis 6 ACL user; empty: the default user
    std::string password;  // empty: no AUTH
    int db = 0;

    // "host:port/db", never the password: safe for logs.
    std::string describe() const;
};

core::Result<RedisAddress> parse_redis_url(std::string_view url);

}  // namespace yihu::redis
