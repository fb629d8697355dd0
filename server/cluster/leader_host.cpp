#include "cluster/leader_host.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "cluster/relay_codec.h"
#include "cluster/remote_connection.h"
#include "cluster/repeating_timer.h"
#include "store/redis_store.h"

namespace yihu::cluster {

namespace asio = boost::asio;

struct LeaderHost::Remote {
    std::shared_ptr<RemoteConnection> connection;
    std::uint64_t hub_id = 0;
    std::string subject;  // a volunteer session's volunteer; empty for a live feed
};

LeaderHost::LeaderHost(asio::io_context& io, Options options, redis::AsyncConnection& publisher, api::Hub::Clock clock,
                       api::HubMetrics* metrics, Failed on_failed)
    : options_(std::move(options)),
      io_(io),
      publisher_(publisher),
      clock_(std::move(clock)),
      metrics_(metrics),
      on_failed_(std::move(on_failed)),
      control_thread_([this] { run_control(); }) {}

LeaderHost::~LeaderHost() {
    stop();
}

void LeaderHost::run_control() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(control_mutex_);
            control_wake_.wait(lock, [this] { return control_stopping_ || !control_tasks_.empty(); });
            if (control_tasks_.empty()) return;
            task = std::move(control_tasks_.front());
            control_tasks_.pop_front();
        }
        task();
    }
}

void LeaderHost::control(std::function<void()> task) {
    {
        std::lock_guard lock(control_mutex_);
        if (control_stopping_) return;
        control_tasks_.push_back(std::move(task));
    }
    control_wake_.notify_one();
}

void LeaderHost::lead(std::uint64_t term, std::string fence_value) {
    control([this, term, fence_value = std::move(fence_value)] { start_leading(term, fence_value); });
}

void LeaderHost::step_down(std::string why) {
    control([this, why = std::move(why)] { stop_leading(why); });
}

void LeaderHost::stop() {
    step_down("node stopping");
    {
        std::lock_guard lock(control_mutex_);
        control_stopping_ = true;
    }
    control_wake_.notify_one();
    if (control_thread_.joinable()) control_thread_.join();
}

void LeaderHost::start_leading(std::uint64_t term, const std::string& fence_value) {
    if (hub_) stop_leading("a new term began");
    store::RedisStoreOptions store_options;
    store_options.address = options_.address;
    store_options.prefix = options_.keys.prefix;
    store_options.timeout = options_.store_timeout;
    store_options.fence_key = options_.keys.lease();
    store_options.fence_value = fence_value;
    store_options.wait_replicas = options_.wait_replicas;
    store_options.wait_timeout = options_.wait_timeout;
    auto store = store::open_redis_store(store_options);
    if (!store) {
        spdlog::error("cluster: cannot lead: {}", store.error().message);
        on_failed_(store.error().message);
        return;
    }
    api::HubOptions hub_options = options_.hub;
    hub_options.standby_sink = [this, term, channel = options_.keys.standby_channel()](v1::StandbyBatch batch) {
        batch.set_term(term);
        publisher_.command({"PUBLISH", channel, batch.SerializeAsString()});
    };
    auto hub = std::make_shared<api::Hub>(hub_options, std::move(*store), clock_, metrics_);
    if (auto s = hub->start(options_.devices); !s) {
        spdlog::error("cluster: cannot lead: the hub did not start: {}", s.error().message);
        on_failed_(s.error().message);
        return;
    }
    // Before any relayed work (the inbox is not subscribed yet, and the hub runs its tasks in order): the index as
    // the previous leader had it, so that phones not yet back are matched as they would have been.
    if (options_.standby_source) {
        auto standby = options_.standby_source();
        spdlog::info("cluster: seeding the index with {} volunteers from the previous leader", standby.size());
        hub->post([h = hub.get(), standby = std::move(standby)] { h->seed_standby(standby); });
    }
    // Before the inbox: a peer's link taken now reaches a hub that already holds the restored outbox.
    if (options_.on_lead) options_.on_lead(hub);
    {
        std::lock_guard lock(mutex_);
        hub_ = hub;
        term_ = term;
        remotes_.clear();
        relays_heard_.clear();
    }
    redis::AsyncConnection::Options inbox_options;
    inbox_options.address = options_.address;
    inbox_options.name = "redis leader inbox";
    inbox_ = std::make_unique<redis::AsyncConnection>(io_, inbox_options, [this](bool up) {
        ready_ = up;          // the hub is running before the inbox starts
        if (up) heartbeat();  // tell the nodes at once, not at the next tick
    });
    inbox_->subscribe({options_.keys.leader_channel()},
                      [this](std::string_view, std::string_view payload) { on_work(payload); });
    inbox_->start();

    // Stopped in stop_leading(), which the destructor runs: no tick outlives this object.
    heartbeat_ = RepeatingTimer::start(asio::make_strand(io_), options_.heartbeat_interval, [this] {
        heartbeat();
        forget_silent_relays();
    });
    spdlog::info("cluster: leading term {}: alerts, cursors and devices restored from Redis", term);
}

void LeaderHost::stop_leading(const std::string& why) {
    if (!hub_) return;
    spdlog::info("cluster: stepping down from term {}: {}", term_, why);
    ready_ = false;
    if (options_.on_step_down) options_.on_step_down();
    if (heartbeat_) {
        heartbeat_->stop();
        heartbeat_.reset();
    }
    if (inbox_) {
        inbox_->stop();
        inbox_.reset();
    }
    std::shared_ptr<api::Hub> hub;
    {
        std::lock_guard lock(mutex_);
        hub = std::move(hub_);
        remotes_.clear();
    }
    hub->stop();  // commits what it holds (the fence refuses it if the lease is gone) and joins its thread
}

void LeaderHost::forget_silent_relays() {
    std::lock_guard lock(mutex_);
    if (!hub_) return;
    const auto now = std::chrono::steady_clock::now();
    api::Hub* hub = hub_.get();
    for (auto relay = relays_heard_.begin(); relay != relays_heard_.end();) {
        if (now - relay->second < options_.relay_silence) {
            ++relay;
            continue;
        }
        const auto& [node, incarnation] = relay->first;
        std::size_t closed = 0;
        for (auto it = remotes_.begin(); it != remotes_.end();) {
            const auto& [r_node, r_incarnation, id] = it->first;
            if (r_node != node || r_incarnation != incarnation) {
                ++it;
                continue;
            }
            const std::uint64_t hub_id = it->second->hub_id;
            if (it->second->subject.empty()) {
                hub->post([hub, hub_id] { hub->feed_closed(hub_id); });
            } else {
                hub->post([hub, subject = it->second->subject, hub_id] { hub->volunteer_closed(subject, hub_id); });
            }
            it = remotes_.erase(it);
            ++closed;
        }
        spdlog::warn("cluster: nothing from {} for {} ms: its {} sessions count as disconnected", node,
                     options_.relay_silence.count(), closed);
        relay = relays_heard_.erase(relay);
    }
}

void LeaderHost::heartbeat() {
    v1::LeaderHeartbeat hb;
    hb.set_node_id(options_.node_id);
    {
        std::lock_guard lock(mutex_);
        hb.set_term(term_);
        if (hub_) hb.set_writes_refused(hub_->write_refusal());
    }
    hb.set_sent_at_ms(core::to_ms(clock_()));
    hb.set_ready(ready_.load());
    publisher_.command({"PUBLISH", options_.keys.heartbeat_channel(), hb.SerializeAsString()});
}

void LeaderHost::on_work(std::string_view payload) {
    v1::ToLeader m;
    if (!m.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
        spdlog::warn("cluster: unreadable message on the leader channel ({} bytes)", payload.size());
        return;
    }
    std::lock_guard lock(mutex_);
    if (!hub_) return;
    api::Hub* hub = hub_.get();
    relays_heard_[{m.origin_node(), m.origin_incarnation()}] = std::chrono::steady_clock::now();
    const std::string channel = options_.keys.node_channel(m.origin_node());
    auto remote_for = [&](std::uint64_t id, bool create) -> std::shared_ptr<Remote> {
        const RemoteKey key{m.origin_node(), m.origin_incarnation(), id};
        if (auto it = remotes_.find(key); it != remotes_.end()) return it->second;
        auto r = std::make_shared<Remote>();
        r->connection = std::make_shared<RemoteConnection>(publisher_, channel, m.origin_incarnation(), id, term_,
                                                           "relay:" + m.origin_node());
        r->hub_id = next_id_++;
        if (create) remotes_[key] = r;
        return r;
    };
    switch (m.body_case()) {
        case v1::ToLeader::kHello: {
            const auto& h = m.hello();
            auto r = remote_for(h.session_id(), true);
            r->subject = h.claims().subject();
            api::Hub::Session s{r->connection, h.binary(), r->hub_id};
            hub->post([hub, s, claims = from_wire(h.claims()), hello = h.hello(), rid = h.request_id()] {
                hub->volunteer_hello(s, claims, hello, rid);
            });
            break;
        }
        case v1::ToLeader::kMessage: {
            const auto& msg = m.message();
            const RemoteKey key{m.origin_node(), m.origin_incarnation(), msg.session_id()};
            auto it = remotes_.find(key);
            if (it == remotes_.end()) {
                // A session this leader never opened (its Hello went to a previous leader): make the phone start over.
                remote_for(msg.session_id(), false)->connection->close(1012, "the cluster leader changed; reconnect");
                break;
            }
            api::Hub::Session s{it->second->connection, msg.binary(), it->second->hub_id};
            hub->post([hub, s, subject = msg.subject(), message = msg.message()] {
                hub->volunteer_message(s, subject, message);
            });
            break;
        }
        case v1::ToLeader::kClosed: {
            const RemoteKey key{m.origin_node(), m.origin_incarnation(), m.closed().session_id()};
            auto it = remotes_.find(key);
            if (it == remotes_.end()) break;
            const std::uint64_t id = it->second->hub_id;
            remotes_.erase(it);
            hub->post([hub, subject = m.closed().subject(), id] { hub->volunteer_closed(subject, id); });
            break;
        }
        case v1::ToLeader::kCommand: {
            // The result goes back to the relaying node as it is: that node makes the HTTP answer.
            auto answer = [this, channel, incarnation = m.origin_incarnation(), term = term_,
                           call_id = m.command().call_id()](v1::HubResult result) {
                v1::ToNode out;
                out.set_leader_term(term);
                out.set_target_incarnation(incarnation);
                out.mutable_answer()->set_call_id(call_id);
                *out.mutable_answer()->mutable_result() = std::move(result);
                publisher_.command({"PUBLISH", channel, out.SerializeAsString()});
            };
            hub->post([hub, command = std::move(*m.mutable_command()->mutable_command()),
                       answer = std::move(answer)]() mutable { hub->execute(command, std::move(answer)); });
            break;
        }
        case v1::ToLeader::kFeed: {
            const auto& f = m.feed();
            if (f.action() == v1::FeedCall::ACTION_OPEN) {
                auto r = remote_for(f.feed_id(), true);
                hub->post(
                    [hub, id = r->hub_id, c = r->connection, sub = f.subscribe()] { hub->feed_open(id, c, sub); });
                break;
            }
            const RemoteKey key{m.origin_node(), m.origin_incarnation(), f.feed_id()};
            auto it = remotes_.find(key);
            if (it == remotes_.end()) break;
            const std::uint64_t id = it->second->hub_id;
            if (f.action() == v1::FeedCall::ACTION_CLOSED) {
                remotes_.erase(it);
                hub->post([hub, id] { hub->feed_closed(id); });
            } else {
                hub->post([hub, id, sub = f.subscribe()] { hub->feed_subscribe(id, sub); });
            }
            break;
        }
        case v1::ToLeader::kAlive:  // noted above
        case v1::ToLeader::BODY_NOT_SET:
            break;
    }
}

}  // namespace yihu::cluster
