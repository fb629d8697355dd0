// One relay, in process, against a real redis-server and no leader: how it keeps (and judges) its subscription.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "cluster/relay.h"
#include "common/local_redis.h"
#include "redis/redis_async.h"
#include "support/temp_dir.h"

namespace yihu::testing {
namespace {

using namespace std::chrono_literals;

// The `age=` (seconds) of the one pubsub client Redis lists, or -1 when there is not exactly one.
int subscriber_age(const client::LocalRedis& redis) {
    const std::string list = redis.cli("CLIENT LIST TYPE pubsub");
    if (list.empty() || list.find('\n') != std::string::npos) return -1;
    const auto at = list.find(" age=");
    return at == std::string::npos ? -1 : std::atoi(list.c_str() + at + 5);
}

template <typename Condition>
bool eventually(std::chrono::milliseconds timeout, Condition condition) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

// Redis away for longer than the relay's silence timeout, then back: the relay resubscribes and must keep that
// subscription. Judging itself deaf before its new subscription could hear its own probe (it used to: every tick
// dropped the connection it had just made, and the probe sent right after the drop was lost with it) leaves the node
// without its channel for good when no leader heartbeat happens to land in between; with no leader at all, as
// here, it never would.
TEST(RelaySubscription, KeepsTheSubscriptionItMadeAfterRedisCameBack) {
    TempDir dir;
    client::LocalRedis redis({.dir = dir.path() / "redis", .aof = false});
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    std::thread loop([&] { io.run(); });

    auto address = redis::parse_redis_url(redis.url());
    ASSERT_TRUE(address.ok());
    redis::AsyncConnection::Options publisher_options;
    publisher_options.address = *address;
    redis::AsyncConnection publisher(io, publisher_options, [](bool) {});
    cluster::Relay relay(io,
                         cluster::Relay::Options{.node_id = "node-1",
                                                 .incarnation = "node-1-test",
                                                 .keys = cluster::ClusterKeys::for_city("dongguan"),
                                                 .address = *address},
                         publisher);
    publisher.start();
    relay.start();
    EXPECT_TRUE(eventually(10s, [&] { return subscriber_age(redis) >= 0; })) << "the relay subscribes";

    redis.stop();
    std::this_thread::sleep_for(4s);  // the outage itself: longer than the relay's 3 s silence timeout
    redis.start();
    ASSERT_TRUE(eventually(10s, [&] { return subscriber_age(redis) >= 0; })) << "the relay resubscribes";
    // Kept for 3 s: it has heard its own probe on the new subscription and has no reason to drop it.
    EXPECT_TRUE(eventually(8s, [&] { return subscriber_age(redis) >= 3; }))
        << "the relay keeps dropping its fresh subscription (age " << subscriber_age(redis) << ")";
    EXPECT_FALSE(relay.ready()) << "no leader, so not ready";

    relay.stop();
    publisher.stop();
    work.reset();
    io.stop();
    loop.join();
}

}  // namespace
}  // namespace yihu::testing
