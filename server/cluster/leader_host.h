#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "api/hub/hub.h"
#include "cluster/cluster_keys.h"
#include "redis/redis_address.h"
#include "redis/redis_async.h"

namespace boost::asio {
class io_context;
}

namespace yihu::cluster {

class RepeatingTimer;

// On the node that holds the lease: the hub, fed by the work every node relays on the leader channel.
//
// lead() opens the Redis store fenced by the lease, starts a hub (which restores every active alert, the cursors and
// the devices from Redis), subscribes to the leader channel on a connection of its own and starts the heartbeat.
// step_down() undoes it in reverse: no more work taken, the hub commits what it holds (refused by the fence if the
// lease is already gone) and stops. Both run on a control thread of their own, because starting a hub blocks.
class LeaderHost {
  public:
    struct Options {
        std::string node_id;
        api::HubOptions hub;
        std::vector<core::Device> devices;
        redis::RedisAddress address;
        ClusterKeys keys;
        std::chrono::milliseconds store_timeout{2000};
        int wait_replicas = 0;  // store::RedisStoreOptions
        std::chrono::milliseconds wait_timeout{1000};
        std::chrono::milliseconds heartbeat_interval{1000};
        std::chrono::milliseconds relay_silence{5000};
        // The volunteers' state the previous leaders published (Relay::standby), read when this node starts leading.
        std::function<std::vector<v1::StandbyVolunteer>()> standby_source;
        // Called on the control thread: after this node's hub started (restored from Redis), and before it stops.
        // Federation's links live between the two (docs/cluster.md, "Federation").
        std::function<void(std::shared_ptr<api::Hub>)> on_lead;
        std::function<void()> on_step_down;
    };
    // Called (on the control thread) when a hub could not start: the owner gives the lease up for another node.
    using Failed = std::function<void(const std::string& why)>;

    LeaderHost(boost::asio::io_context& io, Options options, redis::AsyncConnection& publisher, api::Hub::Clock clock,
               api::HubMetrics* metrics, Failed on_failed);
    ~LeaderHost();

    // Both return at once; the work runs on the control thread, in call order.
    void lead(std::uint64_t term, std::string fence_value);
    void step_down(std::string why);
    // Steps down if leading and joins the control thread.
    void stop();

    // Leading, the hub restored and the leader channel subscribed.
    bool ready() const { return ready_.load(); }

  private:
    struct Remote;  // a relayed session or feed: its connection and the hub's id for it
    using RemoteKey = std::tuple<std::string, std::string, std::uint64_t>;  // origin node, incarnation, id

    void run_control();
    void control(std::function<void()> task);
    void start_leading(std::uint64_t term, const std::string& fence_value);
    void stop_leading(const std::string& why);
    void on_work(std::string_view payload);  // inbox strand
    void heartbeat();
    // Closes, in the hub, every session relayed by a node not heard from for relay_silence (heartbeat strand).
    void forget_silent_relays();

    Options options_;
    boost::asio::io_context& io_;
    redis::AsyncConnection& publisher_;
    api::Hub::Clock clock_;
    api::HubMetrics* metrics_;
    Failed on_failed_;

    // Owned by the control thread; read by the inbox handler under mutex_.
    std::mutex mutex_;
    std::shared_ptr<api::Hub> hub_;
    std::uint64_t term_ = 0;
    std::map<RemoteKey, std::shared_ptr<Remote>> remotes_;
    // (origin node, incarnation) -> when a message from it last arrived.
    std::map<std::pair<std::string, std::string>, std::chrono::steady_clock::time_point> relays_heard_;
    std::uint64_t next_id_ = 1;
    std::unique_ptr<redis::AsyncConnection> inbox_;
    std::shared_ptr<RepeatingTimer> heartbeat_;  // heartbeat() and forget_silent_relays() every second
    std::atomic<bool> ready_{false};

    std::mutex control_mutex_;
    std::condition_variable control_wake_;
    std::deque<std::function<void()>> control_tasks_;
    bool control_stopping_ = false;
    std::thread control_thread_;
};

}  // namespace yihu::cluster
