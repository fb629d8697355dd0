#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/hub/hub.h"
#include "api/hub/hub_link.h"
#include "core/result.h"

namespace boost::asio {
class io_context;
}

namespace yihu::cluster {

// A node's membership in a cluster (docs/cluster.md): the relay every node runs, and the lease and leader host that
// make one node at a time run the hub. Wired by app::Node when the configuration names a Redis.
class ClusterMember {
  public:
    struct Options {
        std::string node_id;
        std::string city;
        std::string redis_url;
        std::chrono::milliseconds lease_ttl{5000};
        int wait_replicas = 0;  // store::RedisStoreOptions
        std::chrono::milliseconds wait_timeout{1000};
        api::HubOptions hub;
        std::vector<core::Device> devices;
        // LeaderHost::Options: this node's hub started, and is about to stop.
        std::function<void(std::shared_ptr<api::Hub>)> on_lead;
        std::function<void()> on_step_down;
    };

    ClusterMember(boost::asio::io_context& io, Options options, api::Hub::Clock clock, api::HubMetrics* metrics);
    ~ClusterMember();

    // Connects (in the background: a Redis that is down now is retried; the node stays up and not ready).
    // Fails only on a configuration error (an unreadable URL).
    core::Status start();
    // Gives the lease up (another node takes over at once), stops the hub if leading, stops relaying. Must be
    // called while the io_context still runs.
    void stop();

    api::HubLink& link();
    bool ready() const;
    // Why the cluster's leader refuses writes now (Relay::writes_refused), empty if it does not.
    std::string writes_refused() const;
    bool leading() const;
    // Volunteers with a position in the standby state this node holds from the leaders (Relay::standby_positions).
    std::size_t standby_positions() const;

  private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace yihu::cluster
