#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace yihu::redis {

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};

// Where a Redis server is, from a URL, one of:
//   redis://[[user]:password@]host[:port][/db]
//     one server; the port defaults to 6379.
//   redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/master-name[/db]
//     the master that Redis Sentinel names `master-name`, asked of these sentinels (port 26379 by default) at every
//     connect, so a connection follows a failover. The credentials and the database are the master's; the
//     sentinels are asked without AUTH.
// The database defaults to 0. Only plain TCP: yihu's Redis sits on a private network or loopback (TLS would be
// rediss://, refused with a clear error rather than silently sent in clear).
struct RedisAddress {
    std::string host;  // one server; unused with sentinels
    std::uint16_t port = 6379;
    std::vector<HostPort> sentinels;  // non-empty: find the master through these
    std::string master_name;
    std::string user;      // Redis 6 ACL user; empty: the default user
    std::string password;  // empty: no AUTH
    int db = 0;

    bool via_sentinel() const { return !sentinels.empty(); }
    // "host:port/db" or "sentinel master-name@host:port,host:port/db", never the password: safe for logs.
    std::string describe() const;
};

core::Result<RedisAddress> parse_redis_url(std::string_view url);

}  // namespace yihu::redis
