#include "cluster/cluster_member.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <random>

#include "cluster/leader_host.h"
#include "cluster/leader_lease.h"
#include "cluster/relay.h"

namespace yihu::cluster {

struct ClusterMember::Parts {
    boost::asio::io_context& io;
    Options options;
    api::Hub::Clock clock;
    api::HubMetrics* metrics;
    std::string incarnation;
    ClusterKeys keys;
    redis::RedisAddress address;
    std::unique_ptr<redis::AsyncConnection> publisher;
    std::unique_ptr<Relay> relay;
    std::unique_ptr<LeaderHost> host;
    std::unique_ptr<LeaderLease> lease;
    bool started = false;
    bool stopped = false;
};

namespace {
// A restarted node keeps its id but gets a new incarnation, so nothing meant for its previous life reaches it.
std::string make_incarnation(const std::string& node_id) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    std::string out = node_id;
    out += '-';
    out += std::to_string(ms);
    out += '-';
    out += std::to_string(std::random_device{}() % 100000);
    return out;
}
}  // namespace

ClusterMember::ClusterMember(boost::asio::io_context& io, Options options, api::Hub::Clock clock,
                             api::HubMetrics* metrics)
    : parts_(new Parts{io, std::move(options), std::move(clock), metrics}) {}

ClusterMember::~ClusterMember() {
    stop();
}

core::Status ClusterMember::start() {
    Parts& p = *parts_;
    auto address = redis::parse_redis_url(p.options.redis_url);
    if (!address) return address.error();
    p.address = *address;
    p.incarnation = make_incarnation(p.options.node_id);
    p.keys = ClusterKeys::for_city(p.options.city);

    redis::AsyncConnection::Options publisher;
    publisher.address = p.address;
    publisher.name = "redis publisher";
    p.publisher = std::make_unique<redis::AsyncConnection>(p.io, publisher, [](bool) {});

    p.relay = std::make_unique<Relay>(
        p.io,
        Relay::Options{
            .node_id = p.options.node_id, .incarnation = p.incarnation, .keys = p.keys, .address = p.address},
        *p.publisher);

    LeaderHost::Options host;
    host.node_id = p.options.node_id;
    host.hub = p.options.hub;
    host.devices = p.options.devices;
    host.address = p.address;
    host.wait_replicas = p.options.wait_replicas;
    host.wait_timeout = p.options.wait_timeout;
    host.keys = p.keys;
    host.standby_source = [relay = p.relay.get()] { return relay->standby(); };
    host.on_lead = p.options.on_lead;
    host.on_step_down = p.options.on_step_down;
    p.host = std::make_unique<LeaderHost>(p.io, host, *p.publisher, p.clock, p.metrics, [this](const std::string&) {
        if (parts_->lease) parts_->lease->release();
    });
    p.lease = std::make_unique<LeaderLease>(
        p.io, *p.publisher, p.keys,
        LeaderLease::Options{.holder = p.options.node_id + "#" + p.incarnation, .ttl = p.options.lease_ttl},
        [this](std::uint64_t term, const std::string& value) { parts_->host->lead(term, value); },
        [this](const std::string& why) { parts_->host->step_down(why); });

    p.publisher->start();
    p.relay->start();
    p.lease->start();
    p.started = true;
    spdlog::info("cluster: node {} joining through redis {} (keys {}*)", p.options.node_id, p.address.describe(),
                 p.keys.prefix);
    return core::Status::Ok();
}

void ClusterMember::stop() {
    Parts& p = *parts_;
    if (!p.started || p.stopped) return;
    p.stopped = true;
    p.host->stop();   // the hub commits its last batch while the lease (the fence) is still ours
    p.lease->stop();  // then released, so a successor starts at once instead of after the TTL
    p.relay->stop();
    p.publisher->stop();
}

api::HubLink& ClusterMember::link() {
    return *parts_->relay;
}

bool ClusterMember::ready() const {
    return parts_->relay && parts_->relay->ready();
}

std::string ClusterMember::writes_refused() const {
    return parts_->relay ? parts_->relay->writes_refused() : std::string{};
}

std::size_t ClusterMember::standby_positions() const {
    return parts_->relay ? parts_->relay->standby_positions() : 0;
}

bool ClusterMember::leading() const {
    return parts_->host && parts_->host->ready();
}

}  // namespace yihu::cluster
