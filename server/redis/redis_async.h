#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redis/redis_address.h"

struct redisReply;
namespace boost::asio {
class io_context;
}

namespace yihu::redis {

// One hiredis asynchronous connection driven by an Asio event loop: no thread of its own, no blocking call. Its
// socket waits and hiredis callbacks all run on one strand of the given io_context, so handlers never run
// concurrently with each other.
//
// It keeps itself connected: a failed connection (refused, dropped, or silent past the health timeout: hiredis has
// no command timeouts, so a frozen Redis would otherwise freeze us) is freed and made afresh after a backoff that
// doubles from backoff_min to backoff_max, with jitter so that a cluster's nodes do not reconnect in step.
// A connection with a subscription re-subscribes at every connect; pub/sub is at-most-once, so the owner hears about
// every reconnect (on_state) and recovers what it may have missed.
// With sentinels in the address, every connect first asks them where the master is (on a short-lived thread: those
// are blocking calls) and then checks the server's ROLE before counting as up; a failover drops our connections (the
// old master died, or Sentinel disconnected its clients when demoting it), and the reconnect finds the new master.
class AsyncConnection {
  public:
    struct Options {
        RedisAddress address;
        std::string name = "redis";  // for logs
        std::chrono::milliseconds health_interval{1000};
        std::chrono::milliseconds health_timeout{3000};  // no reply (PING or anything) for this long: reconnect
        std::chrono::milliseconds backoff_min{100};
        std::chrono::milliseconds backoff_max{2000};
        // With sentinels in the address: how long each sentinel gets to connect, and to answer.
        std::chrono::milliseconds sentinel_timeout{500};
    };
    // The reply, or nullptr when the command failed (not connected, connection lost). Borrowed: valid during the
    // call only. Runs on the connection's strand.
    using ReplyHandler = std::function<void(const redisReply* reply)>;
    using MessageHandler = std::function<void(std::string_view channel, std::string_view payload)>;
    // true: connected (and subscribed, for a subscriber); false: lost. Runs on the strand.
    using StateHandler = std::function<void(bool up)>;

    AsyncConnection(boost::asio::io_context& io, Options options, StateHandler on_state);
    ~AsyncConnection();
    AsyncConnection(const AsyncConnection&) = delete;
    AsyncConnection& operator=(const AsyncConnection&) = delete;

    // Connects (and keeps reconnecting) until stop(). Thread-safe.
    void start();
    // Frees the connection; pending handlers run with nullptr. Thread-safe; blocks until done on the strand unless
    // called from it.
    void stop();

    // Thread-safe. `done` may be empty (fire and forget). When not connected, `done` gets nullptr at once.
    void command(std::vector<std::string> args, ReplyHandler done = {});
    // Makes this a subscriber: SUBSCRIBE `channels` now and after every reconnect. Call once, before start().
    void subscribe(std::vector<std::string> channels, MessageHandler on_message);
    // Drops the connection and reconnects (after the backoff): for an owner whose own health check failed (e.g. a
    // subscriber that stopped hearing its own pings). Thread-safe.
    void reset(std::string_view why);

    bool up() const { return up_.load(); }
    // Runs `task` on the connection's strand (for owners that keep state next to the connection).
    void post(std::function<void()> task);

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
    std::atomic<bool> up_{false};
    std::atomic<bool> stopped_{false};
};

}  // namespace yihu::redis
