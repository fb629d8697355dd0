#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "redis/redis_address.h"
#include "store/store.h"

namespace yihu::store {

struct RedisStoreOptions {
    redis::RedisAddress address;
    // Every key starts with this. One city's cluster shares one prefix; tests use one per case.
    std::string prefix = "yihu:{dongguan}";
    // Each call waits at most this long for Redis; past it the call fails with kUnavailable (a frozen Redis must not
    // freeze the hub forever).
    std::chrono::milliseconds timeout = std::chrono::seconds(2);
    // When set, every write is refused unless Redis holds `fence_value` at `fence_key`: the cluster leader's lease,
    // so a node that lost leadership cannot write over its successor (see cluster/leader_lease.h).
    std::string fence_key;
    std::string fence_value;
    // trim() removes history in scripts of at most this many entries each (at least 1): a Lua script blocks Redis,
    // and every node with it, while it runs.
    std::size_t trim_chunk = 1000;
    // Above 0: a write counts as done only once this many replicas have it (WAIT); fewer after wait_timeout and the
    // write fails with kUnavailable (it stays on the master, and may or may not outlive it). Then an acknowledged
    // write survives the master's death when Sentinel promotes a replica. 0: Redis's own durability only.
    int wait_replicas = 0;
    std::chrono::milliseconds wait_timeout = std::chrono::seconds(1);
    // probe_writes() waits at most this long (and at most wait_timeout) for the replicas to confirm the writes made
    // so far: it runs on the hub thread, which answers nothing meanwhile.
    std::chrono::milliseconds probe_timeout = std::chrono::milliseconds(100);
};

// The cluster's store: the same contract as the SQLite store (tests/store/store_contract.h), kept in Redis so that
// any node can take over. Each apply() is one Lua script, so it is atomic; it is as durable as Redis's AOF makes it
// (deploy/redis.conf: appendonly yes, appendfsync always, so an OK reply means the batch is on disk), and with
// wait_replicas also on that many replicas.
// Uses one blocking connection with a timeout: called on the hub thread only, never on an I/O thread.
// Fails (kUnavailable) when Redis cannot be reached at open time.
Result<std::unique_ptr<Store>> open_redis_store(RedisStoreOptions options);

}  // namespace yihu::store
