#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/hub/hub_link.h"
#include "cluster/cluster_keys.h"
#include "redis/redis_async.h"

namespace boost::asio {
class io_context;
}

namespace yihu::cluster {

// Every node's side of the cluster: its gateway hands authenticated work here (typed commands, volunteer messages,
// feed subscriptions), and the relay publishes it to the leader; frames, closes and command results come back on
// the node's own channel and go to the right local socket or waiting reply.
//
// Failure rules (docs/cluster.md):
// - No ready leader heard from for `leader_silence` (Redis down, election in progress), or a message to the leader
//   that reached nobody since its last heartbeat (it died): dispatcher calls get 503 at once, a phone's message
//   gets an UNAVAILABLE error, a new phone session is closed with 1013 (try again later). Open sockets stay open,
//   so phones do not hammer a cluster that cannot serve them.
// - A leader with a new term: every relayed socket is closed with 1012 (service restart); the phones reconnect and
//   resume from the store, which the new leader serves.
// - The relay's own subscription lost (pub/sub is at-most-once: what was published to it meanwhile is gone): every
//   relayed socket is closed with 1012 and every pending command answered UNAVAILABLE (503) at once. A fresh
//   subscription counts its silence from its confirmation, so it is never judged deaf before it could hear its
//   own probe.
// - A command unanswered when the leader has been silent for `leader_silence`, or after `call_timeout`:
//   UNAVAILABLE (503, one Retry-After of 1-3 s); an idempotency key makes a retried create safe.
class Relay final : public api::HubLink {
  public:
    struct Options {
        std::string node_id;
        std::string incarnation;
        ClusterKeys keys;
        redis::RedisAddress address;
        std::chrono::milliseconds call_timeout{10'000};
        std::chrono::milliseconds leader_silence{3'000};
    };

    Relay(boost::asio::io_context& io, Options options, redis::AsyncConnection& publisher);
    ~Relay() override;

    void start();
    // Stops listening; pending commands get UNAVAILABLE. Sockets are the listener's to close.
    void stop();
    // Redis reachable both ways and a ready leader heard from recently: what /readyz reports.
    bool ready() const;
    // Why the leader last heard refuses writes (LeaderHeartbeat.writes_refused), empty if it does not: /readyz
    // reports it while work is still relayed.
    std::string writes_refused() const;
    // The volunteers' matching state as the leaders published it (the latest per volunteer): what this node seeds
    // its hub with if it becomes the leader. Entries not refreshed for an hour are dropped.
    std::vector<v1::StandbyVolunteer> standby() const;
    // How many of those entries hold a position (what a successor could match at once): /metrics reports it, so an
    // operator (or a test) can see that the standby batches reach this node.
    std::size_t standby_positions() const;

    void volunteer_hello(api::Hub::Session session, api::Claims claims, v1::Hello hello,
                         std::uint64_t request_id) override;
    void volunteer_message(api::Hub::Session session, std::string subject, v1::ClientMessage message) override;
    void volunteer_closed(std::string subject, std::uint64_t session_id) override;
    void command(v1::HubCommand command, api::CommandReply reply) override;
    void feed_open(std::uint64_t feed_id, std::shared_ptr<net::WsConnection> connection,
                   v1::LiveFeedSubscribe subscribe) override;
    void feed_subscribe(std::uint64_t feed_id, v1::LiveFeedSubscribe subscribe) override;
    void feed_closed(std::uint64_t feed_id) override;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace yihu::cluster
