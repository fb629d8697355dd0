#include "cluster/leader_lease.h"

#include <hiredis.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>

#include "cluster/repeating_timer.h"
#include "redis/redis_reply.h"

namespace yihu::cluster {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

// KEYS: lease, term. ARGV: holder, ttl ms. Replies the new lease value, or (when someone holds it) the ms until
// the holder's lease expires unless renewed.
constexpr const char* kAcquire = R"lua(
local left = redis.call('PTTL', KEYS[1])
if left ~= -2 then return left end
local term = redis.call('INCR', KEYS[2])
local value = ARGV[1] .. '#' .. term
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return value
)lua";

// KEYS: lease. ARGV: value, ttl ms. 1 when renewed, 0 when the lease is not ours any more.
constexpr const char* kRenew = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
)lua";

// KEYS: lease. ARGV: value. Deletes the lease only if it is still ours.
constexpr const char* kRelease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

std::uint64_t term_of(const std::string& value) {
    const auto hash = value.rfind('#');
    return hash == std::string::npos ? 0 : std::strtoull(value.c_str() + hash + 1, nullptr, 10);
}

}  // namespace

struct LeaderLease::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& io, redis::AsyncConnection& r, ClusterKeys k, Options o, Acquired a, Lost l)
        : strand(asio::make_strand(io)),
          expiry_timer(strand),
          redis(r),
          keys(std::move(k)),
          options(std::move(o)),
          on_acquired(std::move(a)),
          on_lost(std::move(l)) {}

    asio::strand<asio::io_context::executor_type> strand;
    asio::steady_timer expiry_timer;  // a held lease's expiry: try again then, not at the next tick
    std::shared_ptr<RepeatingTimer> ticker;
    redis::AsyncConnection& redis;
    ClusterKeys keys;
    Options options;
    Acquired on_acquired;
    Lost on_lost;

    // On the strand.
    bool running = false;
    bool in_flight = false;
    std::string value;  // non-empty while held
    SteadyClock::time_point renewed_at{};
    std::atomic<bool> held{false};

    void tick() {
        if (!running) return;
        check_expiry();
        if (!in_flight) value.empty() ? try_acquire() : renew();
    }

    // Deletes the lease if it is still ours; `done` runs once Redis answered, or at once when nothing is held.
    void release(redis::AsyncConnection::ReplyHandler done) {
        if (value.empty()) {
            if (done) done(nullptr);
            return;
        }
        const std::string held_value = std::exchange(value, {});
        held = false;
        redis.command({"EVAL", kRelease, "1", keys.lease(), held_value}, std::move(done));
    }

    void lose(const std::string& why) {
        if (value.empty()) return;
        spdlog::warn("cluster: leader lease {} lost: {}", value, why);
        value.clear();
        held = false;
        on_lost(why);
    }

    // Step down before the key can expire in Redis: past 2/3 of the TTL without a renewal, another node may soon
    // take over, and two hubs must never run at once.
    void check_expiry() {
        if (!value.empty() && SteadyClock::now() - renewed_at > options.ttl * 2 / 3) lose("could not renew in time");
    }

    void try_acquire() {
        in_flight = true;
        const SteadyClock::time_point asked_at = SteadyClock::now();
        redis.command(
            {"EVAL", kAcquire, "2", keys.lease(), keys.term(), options.holder, std::to_string(options.ttl.count())},
            [self = shared_from_this(), asked_at](const redisReply* reply) {
                std::optional<std::string> got;
                std::optional<long long> left_ms;  // someone holds it: ms until it expires unless renewed
                if (reply != nullptr && reply->type == REDIS_REPLY_STRING) got = std::string(redis::text(reply));
                if (reply != nullptr && reply->type == REDIS_REPLY_INTEGER) left_ms = reply->integer;
                asio::post(self->strand, [self, got = std::move(got), left_ms, asked_at] {
                    self->in_flight = false;
                    if (!self->running) return;
                    if (left_ms) self->retry_at_expiry(*left_ms, asked_at);
                    if (!got) return;
                    self->value = *got;
                    self->renewed_at = asked_at;  // the TTL started no earlier than the request
                    self->held = true;
                    spdlog::info("cluster: this node leads (lease {})", self->value);
                    self->on_acquired(term_of(self->value), self->value);
                });
            });
    }

    // Another node holds the lease: ask again the moment it would expire (a dead holder's successor starts then,
    // not up to a tick later). A holder that renews meanwhile just answers with its new expiry.
    void retry_at_expiry(long long left_ms, SteadyClock::time_point asked_at) {
        if (left_ms < 0 || left_ms > options.ttl.count()) return;  // no expiry (-1), or not a lease of ours: ticks
        expiry_timer.expires_at(asked_at + std::chrono::milliseconds(left_ms + 1));
        expiry_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec || !self->running || !self->value.empty() || self->in_flight) return;
            self->try_acquire();
        });
    }

    void renew() {
        in_flight = true;
        const SteadyClock::time_point asked_at = SteadyClock::now();
        redis.command({"EVAL", kRenew, "1", keys.lease(), value, std::to_string(options.ttl.count())},
                      [self = shared_from_this(), asked_at, asked_value = value](const redisReply* reply) {
                          const int outcome = reply == nullptr || reply->type != REDIS_REPLY_INTEGER
                                                  ? -1
                                                  : static_cast<int>(reply->integer);
                          asio::post(self->strand, [self, outcome, asked_at, asked_value] {
                              self->in_flight = false;
                              if (self->value != asked_value) return;
                              if (outcome == 1) {
                                  self->renewed_at = asked_at;
                              } else if (outcome == 0) {
                                  self->lose("another node holds the lease");
                              }  // -1: Redis unreachable; check_expiry decides
                          });
                      });
    }
};

LeaderLease::LeaderLease(asio::io_context& io, redis::AsyncConnection& redis, ClusterKeys keys, Options options,
                         Acquired on_acquired, Lost on_lost)
    : impl_(std::make_shared<Impl>(io, redis, std::move(keys), std::move(options), std::move(on_acquired),
                                   std::move(on_lost))) {}

LeaderLease::~LeaderLease() {
    stop();
}

void LeaderLease::start() {
    asio::post(impl_->strand, [impl = impl_] {
        if (impl->running) return;
        impl->running = true;
        impl->ticker = RepeatingTimer::start(impl->strand, impl->options.ttl / 3, [weak = std::weak_ptr<Impl>(impl)] {
            if (auto self = weak.lock()) self->tick();
        });
    });
}

void LeaderLease::stop() {
    auto released = std::make_shared<std::promise<void>>();
    auto done = released->get_future();
    asio::post(impl_->strand, [impl = impl_, released] {
        impl->running = false;
        if (impl->ticker) impl->ticker->stop();
        impl->expiry_timer.cancel();
        impl->release([released](const redisReply*) { released->set_value(); });
    });
    done.wait_for(std::chrono::seconds(1));
}

void LeaderLease::release() {
    asio::post(impl_->strand, [impl = impl_] { impl->release({}); });
}

bool LeaderLease::held() const {
    return impl_->held.load();
}

}  // namespace yihu::cluster
