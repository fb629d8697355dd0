#pragma once

#include <chrono>

#include "core/result.h"
#include "redis/redis_address.h"
#include "redis/redis_reply.h"

namespace yihu::redis {

// Where the master named address.master_name is now: SENTINEL GET-MASTER-ADDR-BY-NAME asked of each sentinel in
// turn, the first answer taken (the Sentinel clients' protocol). Blocking, at most `timeout` per sentinel to connect
// and as long again to answer. kUnavailable when no sentinel answers or none knows the master.
core::Result<HostPort> resolve_master(const RedisAddress& address, std::chrono::milliseconds timeout);

// Whether a ROLE reply says "master". A connection made through the sentinels checks it before any command: a
// sentinel's answer can be stale for a moment around a failover, and a demoted master still accepts reads.
bool is_master_role(const redisReply* role);

}  // namespace yihu::redis
