#include "cluster/relay.h"

#include <hiredis.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <random>
#include <unordered_map>

#include "api/codec/hub_result.h"
#include "cluster/relay_codec.h"
#include "cluster/repeating_timer.h"
#include "core/time.h"

namespace yihu::cluster {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {
constexpr std::uint16_t kServiceRestart = 1012;  // RFC 6455 registry: reconnect, the service restarted
constexpr std::uint16_t kTryAgainLater = 1013;

// One Retry-After (the reply writes one header), 1 to 3 s drawn at random: dispatchers told to retry at the same
// moment do not all come back in the same second.
v1::HubResult unavailable(std::string message) {
    v1::HubResult r = api::error_result(v1::ERROR_CODE_UNAVAILABLE, std::move(message));
    thread_local std::mt19937 random(std::random_device{}());
    r.set_retry_after_s(std::uniform_int_distribution<std::uint32_t>(1, 3)(random));
    return r;
}

// A 1013 close's reason: why, then "; retry_after_ms=N" with N drawn from 500 to 3000 (docs/api.md). The hundreds of
// phones a failover sends back at once are told different moments, so their next Hellos spread out instead of
// meeting a leader that is still restoring all at once.
std::string try_again_later(std::string_view why) {
    thread_local std::mt19937 random(std::random_device{}());
    std::string reason(why);
    reason += "; retry_after_ms=";
    reason += std::to_string(std::uniform_int_distribution<int>(500, 3000)(random));
    return reason;
}
}  // namespace

struct Relay::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& io, Options o, redis::AsyncConnection& p)
        : options(std::move(o)), publisher(p), strand(asio::make_strand(io)) {}

    // Separate from the constructor: the subscriber's state handler holds a weak pointer to this.
    void make_subscriber(asio::io_context& io) {
        redis::AsyncConnection::Options sub;
        sub.address = options.address;
        sub.name = "redis relay";
        subscriber = std::make_unique<redis::AsyncConnection>(io, sub, [weak = weak_from_this()](bool up) {
            if (auto self = weak.lock()) self->on_subscription(up);
        });
    }

    Options options;
    redis::AsyncConnection& publisher;
    std::unique_ptr<redis::AsyncConnection> subscriber;
    asio::strand<asio::io_context::executor_type> strand;
    std::shared_ptr<RepeatingTimer> ticker;

    struct Call {
        api::CommandReply reply;
        SteadyClock::time_point deadline;
    };
    mutable std::mutex mutex;
    std::map<std::uint64_t, std::shared_ptr<net::WsConnection>> sockets;  // volunteer sessions and feeds by id
    std::map<std::uint64_t, Call> calls;
    std::uint64_t next_call = 1;
    std::uint64_t leader_term = 0;
    bool leader_ready = false;
    std::string leader_writes_refused;  // LeaderHeartbeat.writes_refused of the leader last heard
    SteadyClock::time_point leader_heard{};
    // The last message on this node's channel, or the moment the subscription was (re)confirmed: a fresh
    // subscription has had no chance to hear the probe yet, so its silence counts from then.
    SteadyClock::time_point own_channel_heard{};
    bool running = false;
    mutable std::mutex standby_mutex;  // apart from `mutex`: frames must not wait for a standby batch
    std::unordered_map<std::string, v1::StandbyVolunteer> standby;
    SteadyClock::time_point standby_pruned{};

    bool ready() const {
        std::lock_guard lock(mutex);
        return leader_available_locked();
    }
    bool leader_available_locked() const {
        return running && publisher.up() && subscriber->up() && leader_ready &&
               SteadyClock::now() - leader_heard < options.leader_silence;
    }

    v1::ToLeader envelope() const {
        v1::ToLeader m;
        m.set_origin_node(options.node_id);
        m.set_origin_incarnation(options.incarnation);
        return m;
    }

    // Publishes to the leader; `failed` runs (on the publisher's strand) when nobody took it. Nobody taking it
    // means the leader is gone (dead, or its subscription dropped): this node stops saying it is ready at once,
    // rather than after `leader_silence`, and is ready again with the next heartbeat of a ready leader.
    void to_leader(const v1::ToLeader& m, std::function<void()> failed) {
        publisher.command({"PUBLISH", options.keys.leader_channel(), m.SerializeAsString()},
                          [self = shared_from_this(), failed = std::move(failed)](const redisReply* reply) {
                              const bool heard =
                                  reply != nullptr && reply->type == REDIS_REPLY_INTEGER && reply->integer > 0;
                              if (heard) return;
                              self->leader_unreachable();
                              if (failed) failed();
                          });
    }
    void leader_unreachable() {
        std::lock_guard lock(mutex);
        if (leader_ready) spdlog::warn("cluster: a message to the leader reached nobody; not ready until one leads");
        leader_ready = false;
    }

    void call(v1::ToLeader m, std::uint64_t call_id, api::CommandReply reply) {
        {
            std::lock_guard lock(mutex);
            if (!leader_available_locked()) {
                reply(
                    unavailable("the cluster has no leader right now (Redis unreachable or an election running); "
                                "retry shortly"));
                return;
            }
            calls[call_id] = Call{std::move(reply), SteadyClock::now() + options.call_timeout};
        }
        to_leader(m, [self = shared_from_this(), call_id] {
            if (auto reply = self->take_call(call_id)) {
                reply(unavailable("the cluster leader could not be reached; retry shortly"));
            }
        });
    }

    // The reply of a pending call, taken so that it is given once; empty if it was answered (or expired) already.
    api::CommandReply take_call(std::uint64_t call_id) {
        std::lock_guard lock(mutex);
        auto it = calls.find(call_id);
        if (it == calls.end()) return {};
        api::CommandReply reply = std::move(it->second.reply);
        calls.erase(it);
        return reply;
    }

    void on_message(std::string_view channel, std::string_view payload) {
        if (channel == options.keys.standby_channel()) {
            v1::StandbyBatch batch;
            if (!batch.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
            std::lock_guard lock(standby_mutex);
            for (v1::StandbyVolunteer& v : *batch.mutable_volunteers()) {
                std::string id = v.volunteer_id();
                standby[std::move(id)] = std::move(v);
            }
            return;
        }
        if (channel == options.keys.heartbeat_channel()) {
            v1::LeaderHeartbeat hb;
            if (hb.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) on_heartbeat(hb);
            return;
        }
        v1::ToNode m;
        if (!m.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
        std::unique_lock lock(mutex);
        own_channel_heard = SteadyClock::now();
        if (m.target_incarnation() != options.incarnation) return;  // meant for this node's previous life
        if (m.leader_term() < leader_term) return;                  // from a leader that has been replaced
        switch (m.body_case()) {
            case v1::ToNode::kFrame: {
                auto it = sockets.find(m.frame().session_id());
                if (it == sockets.end()) return;
                auto socket = it->second;
                lock.unlock();
                socket->send(net::Frame{std::make_shared<const std::string>(m.frame().data()), m.frame().binary()});
                return;
            }
            case v1::ToNode::kClose: {
                auto it = sockets.find(m.close().session_id());
                if (it == sockets.end()) return;
                auto socket = it->second;
                lock.unlock();
                socket->close(static_cast<std::uint16_t>(m.close().code()), m.close().reason());
                return;
            }
            case v1::ToNode::kAnswer: {
                lock.unlock();
                if (auto reply = take_call(m.answer().call_id()))
                    reply(std::move(*m.mutable_answer()->mutable_result()));
                return;
            }
            case v1::ToNode::BODY_NOT_SET:
                return;  // the relay's own liveness probe
        }
    }

    // The subscription confirmed (up) or lost (down). Pub/sub is at-most-once: while it is down, frames, closes and
    // answers published to this node are lost. So on a loss every relayed socket is closed with 1012 (the phone
    // reconnects and resumes from the store, where every push waits; a request without its reply is asked again),
    // and every pending call gets its one answer now, 503, instead of an answer that can no longer arrive.
    void on_subscription(bool up) {
        if (up) {
            {
                std::lock_guard lock(mutex);
                own_channel_heard = SteadyClock::now();
            }
            probe();
            return;
        }
        std::map<std::uint64_t, std::shared_ptr<net::WsConnection>> lost_sockets;
        std::map<std::uint64_t, Call> lost_calls;
        {
            std::lock_guard lock(mutex);
            if (!running) return;
            lost_sockets.swap(sockets);
            lost_calls.swap(calls);
        }
        if (!lost_sockets.empty() || !lost_calls.empty()) {
            spdlog::warn("cluster: lost the subscription to this node's channel; closing {} sockets, {} calls get 503",
                         lost_sockets.size(), lost_calls.size());
        }
        for (auto& [id, socket] : lost_sockets) {
            socket->close(kServiceRestart, "this node lost the cluster bus; reconnect and resume");
        }
        for (auto& [id, call] : lost_calls) {
            call.reply(
                unavailable("this node lost the cluster bus before the answer came; retry (with the same "
                            "Idempotency-Key)"));
        }
    }

    void probe() {
        v1::ToNode probe;
        probe.set_target_incarnation(options.incarnation);
        publisher.command({"PUBLISH", options.keys.node_channel(options.node_id), probe.SerializeAsString()});
    }

    void on_heartbeat(const v1::LeaderHeartbeat& hb) {
        std::vector<std::shared_ptr<net::WsConnection>> to_close;
        {
            std::lock_guard lock(mutex);
            if (hb.term() < leader_term) return;  // a stale leader still talking
            if (hb.term() != leader_term) {
                if (leader_term != 0) {
                    for (auto& [id, socket] : sockets) to_close.push_back(socket);
                    sockets.clear();
                }
                spdlog::info("cluster: following {} (term {})", hb.node_id(), hb.term());
                leader_term = hb.term();
            }
            leader_ready = hb.ready();
            leader_writes_refused = hb.writes_refused();
            leader_heard = SteadyClock::now();
        }
        for (auto& socket : to_close) socket->close(kServiceRestart, "the cluster leader changed; reconnect");
    }

    // Every second: expire unanswered calls, and probe our own channel (a subscriber can go deaf without the TCP
    // connection failing; hiredis has no timeouts of its own). A call's answer can only come from a leader that is
    // alive, and a live leader heartbeats every second: once it has been silent for `leader_silence`, the calls it
    // holds get 503 then rather than at their `call_timeout`.
    void tick() {
        std::vector<api::CommandReply> expired;
        std::vector<api::CommandReply> orphaned;
        bool deaf = false;
        {
            std::lock_guard lock(mutex);
            if (!running) return;
            const auto now = SteadyClock::now();
            const bool leader_silent = now - leader_heard > options.leader_silence;
            for (auto it = calls.begin(); it != calls.end();) {
                if (leader_silent) {
                    orphaned.push_back(std::move(it->second.reply));
                    it = calls.erase(it);
                } else if (it->second.deadline <= now) {
                    expired.push_back(std::move(it->second.reply));
                    it = calls.erase(it);
                } else {
                    ++it;
                }
            }
            deaf = subscriber->up() && publisher.up() && now - own_channel_heard > options.leader_silence &&
                   now - leader_heard > options.leader_silence;
        }
        for (auto& reply : expired) {
            reply(unavailable("the cluster leader did not answer in time; retry (with the same idempotency key)"));
        }
        for (auto& reply : orphaned) {
            reply(
                unavailable("the cluster leader went silent before answering; retry (with the same "
                            "Idempotency-Key)"));
        }
        if (deaf) subscriber->reset("heard nothing on the node channel, not even its own probe");
        prune_standby();
        probe();
        v1::ToLeader alive = envelope();
        alive.mutable_alive();
        to_leader(alive, {});
    }

    // Positions older than this match nobody anywhere (position_max_age is minutes): no reason to keep them.
    void prune_standby() {
        const auto now = SteadyClock::now();
        if (now - standby_pruned < std::chrono::minutes(1)) return;
        standby_pruned = now;
        const std::int64_t cutoff_ms = core::to_ms(
            std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now() - std::chrono::hours(1)));
        std::lock_guard lock(standby_mutex);
        std::erase_if(standby, [cutoff_ms](const auto& entry) { return entry.second.reported_at_ms() < cutoff_ms; });
    }

    std::uint64_t new_call_id() {
        std::lock_guard lock(mutex);
        return next_call++;
    }

    // A volunteer session or live feed starts relaying: the leader hears `open`; if no ready leader is known, or
    // none takes the message, the socket is closed with 1013 and the phone or console tries again shortly.
    void open_socket(std::uint64_t id, const std::shared_ptr<net::WsConnection>& connection, const v1::ToLeader& open) {
        if (!ready()) {
            connection->close(kTryAgainLater, try_again_later("no cluster leader right now"));
            return;
        }
        remember(id, connection);
        to_leader(open, [self = shared_from_this(), id, connection] {
            self->forget(id);
            connection->close(kTryAgainLater, try_again_later("the cluster leader could not be reached"));
        });
    }

    void forget(std::uint64_t id) {
        std::lock_guard lock(mutex);
        sockets.erase(id);
    }
    void remember(std::uint64_t id, std::shared_ptr<net::WsConnection> socket) {
        std::lock_guard lock(mutex);
        sockets[id] = std::move(socket);
    }
};

Relay::Relay(asio::io_context& io, Options options, redis::AsyncConnection& publisher)
    : impl_(std::make_shared<Impl>(io, std::move(options), publisher)) {
    impl_->make_subscriber(io);
}

Relay::~Relay() {
    stop();
}

void Relay::start() {
    {
        std::lock_guard lock(impl_->mutex);
        impl_->running = true;
        impl_->own_channel_heard = SteadyClock::now();
    }
    impl_->subscriber->subscribe(
        {impl_->options.keys.node_channel(impl_->options.node_id), impl_->options.keys.heartbeat_channel(),
         impl_->options.keys.standby_channel()},
        // Weak: the subscriber belongs to the impl, so a strong capture here would be a cycle that never frees it.
        [weak = std::weak_ptr<Impl>(impl_)](std::string_view channel, std::string_view payload) {
            if (auto impl = weak.lock()) impl->on_message(channel, payload);
        });
    impl_->subscriber->start();
    impl_->ticker = RepeatingTimer::start(impl_->strand, std::chrono::seconds(1), [weak = std::weak_ptr<Impl>(impl_)] {
        if (auto impl = weak.lock()) impl->tick();
    });
}

void Relay::stop() {
    std::map<std::uint64_t, Impl::Call> calls;
    {
        std::lock_guard lock(impl_->mutex);
        if (!impl_->running) return;
        impl_->running = false;
        calls.swap(impl_->calls);
    }
    impl_->ticker->stop();
    impl_->subscriber->stop();
    for (auto& [id, call] : calls) call.reply(unavailable("the node is shutting down; retry"));
}

bool Relay::ready() const {
    return impl_->ready();
}

std::string Relay::writes_refused() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->leader_writes_refused;
}

std::vector<v1::StandbyVolunteer> Relay::standby() const {
    std::lock_guard lock(impl_->standby_mutex);
    std::vector<v1::StandbyVolunteer> out;
    out.reserve(impl_->standby.size());
    for (const auto& [id, v] : impl_->standby) out.push_back(v);
    return out;
}

std::size_t Relay::standby_positions() const {
    std::lock_guard lock(impl_->standby_mutex);
    return static_cast<std::size_t>(std::count_if(impl_->standby.begin(), impl_->standby.end(),
                                                  [](const auto& entry) { return entry.second.has_position(); }));
}

void Relay::volunteer_hello(api::Hub::Session session, api::Claims claims, v1::Hello hello, std::uint64_t request_id) {
    v1::ToLeader m = impl_->envelope();
    auto* h = m.mutable_hello();
    h->set_session_id(session.id);
    h->set_binary(session.binary);
    to_wire(claims, h->mutable_claims());
    *h->mutable_hello() = std::move(hello);
    h->set_request_id(request_id);
    impl_->open_socket(session.id, session.connection, m);
}

void Relay::volunteer_message(api::Hub::Session session, std::string subject, v1::ClientMessage message) {
    const std::uint64_t request_id = message.request_id();
    auto refuse = [session, request_id] {
        v1::ServerMessage error;
        error.set_request_id(request_id);
        error.mutable_error()->set_code(v1::ERROR_CODE_UNAVAILABLE);
        error.mutable_error()->set_message("the cluster has no leader right now; retry shortly");
        api::Hub::send(session, error);
    };
    if (!impl_->ready()) return refuse();
    v1::ToLeader m = impl_->envelope();
    auto* c = m.mutable_message();
    c->set_session_id(session.id);
    c->set_binary(session.binary);
    c->set_subject(std::move(subject));
    *c->mutable_message() = std::move(message);
    impl_->to_leader(m, refuse);
}

void Relay::volunteer_closed(std::string subject, std::uint64_t session_id) {
    impl_->forget(session_id);
    v1::ToLeader m = impl_->envelope();
    m.mutable_closed()->set_session_id(session_id);
    m.mutable_closed()->set_subject(std::move(subject));
    impl_->to_leader(m, {});  // no leader: nothing there to tell
}

void Relay::command(v1::HubCommand command, api::CommandReply reply) {
    v1::ToLeader m = impl_->envelope();
    const std::uint64_t call_id = impl_->new_call_id();
    m.mutable_command()->set_call_id(call_id);
    *m.mutable_command()->mutable_command() = std::move(command);
    impl_->call(std::move(m), call_id, std::move(reply));
}

void Relay::feed_open(std::uint64_t feed_id, std::shared_ptr<net::WsConnection> connection,
                      v1::LiveFeedSubscribe subscribe) {
    v1::ToLeader m = impl_->envelope();
    m.mutable_feed()->set_feed_id(feed_id);
    m.mutable_feed()->set_action(v1::FeedCall::ACTION_OPEN);
    *m.mutable_feed()->mutable_subscribe() = std::move(subscribe);
    impl_->open_socket(feed_id, connection, m);
}

void Relay::feed_subscribe(std::uint64_t feed_id, v1::LiveFeedSubscribe subscribe) {
    v1::ToLeader m = impl_->envelope();
    m.mutable_feed()->set_feed_id(feed_id);
    m.mutable_feed()->set_action(v1::FeedCall::ACTION_SUBSCRIBE);
    *m.mutable_feed()->mutable_subscribe() = std::move(subscribe);
    impl_->to_leader(m, {});
}

void Relay::feed_closed(std::uint64_t feed_id) {
    impl_->forget(feed_id);
    v1::ToLeader m = impl_->envelope();
    m.mutable_feed()->set_feed_id(feed_id);
    m.mutable_feed()->set_action(v1::FeedCall::ACTION_CLOSED);
    impl_->to_leader(m, {});
}

}  // namespace yihu::cluster
