#pragma once

// The two stores a whole-node test can run on: SQLite in the node's data directory, or a real redis-server shared by
// the tests of one process (each node keeps its keys under its own prefix).

#include <memory>
#include <string>

#include "common/local_redis.h"
#include "ops/config.h"
#include "redis/redis_address.h"
#include "store/redis_store.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace yihu::testing {

enum class Backend { kSqlite, kRedis };

inline const char* backend_name(Backend b) {
    return b == Backend::kSqlite ? "Sqlite" : "Redis";
}

// Started on first use, stopped when the test process exits.
inline client::LocalRedis& shared_redis() {
    static TempDir dir;
    static client::LocalRedis redis({.dir = dir.path(), .aof = true});
    return redis;
}

// The store a node on `backend` opens; Redis keys go under `prefix`.
inline core::Result<std::unique_ptr<store::Store>> open_backend(Backend backend, const ops::Config& config,
                                                                const std::string& prefix) {
    if (backend == Backend::kSqlite) return store::open_sqlite_store(config.store.data_dir);
    store::RedisStoreOptions options;
    options.address = *redis::parse_redis_url("redis://127.0.0.1:" + std::to_string(shared_redis().port()));
    options.prefix = prefix;
    return store::open_redis_store(options);
}

}  // namespace yihu::testing
