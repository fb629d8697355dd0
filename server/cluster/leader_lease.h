#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "cluster/cluster_keys.h"
#include "redis/redis_async.h"

namespace boost::asio {
class io_context;
}

namespace yihu::cluster {

// Who runs the hub: the node holding a lease in Redis (SET NX PX, renewed every ttl/3 by a script that checks the
// holder). Redis is the arbiter; yihu adds no consensus of its own. The lease value names the holder and a term that
// grows with every election; the Redis store refuses writes unless the lease still holds that value (the fence), so a
// paused or partitioned ex-leader cannot write after its successor started.
//
// A leader that cannot renew for 2/3 of the TTL steps down by itself, before the key can expire and another node take
// over (this assumes the nodes' clocks run at about the same rate, as Redis's own lease guidance does).
class LeaderLease {
  public:
    struct Options {
        std::string holder;  // "<node>#<incarnation>"
        std::chrono::milliseconds ttl{5000};
    };
    // Run on the lease's strand; must not block.
    using Acquired = std::function<void(std::uint64_t term, const std::string& value)>;
    using Lost = std::function<void(const std::string& why)>;

    LeaderLease(boost::asio::io_context& io, redis::AsyncConnection& redis, ClusterKeys keys, Options options,
                Acquired on_acquired, Lost on_lost);
    ~LeaderLease();

    void start();
    // Stops trying; a held lease is released (deleted if still ours) so that another node takes over at once
    // rather than after the TTL. Blocks up to a second for the release.
    void stop();
    bool held() const;
    // Gives a held lease up but keeps competing for it (a leader whose hub could not start lets another node try).
    void release();

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace yihu::cluster
