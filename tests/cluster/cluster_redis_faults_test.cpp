// Redis's own faults under load: restarts (kill -9 and SIGTERM, again and again) and pauses (CLIENT PAUSE, DEBUG
// SLEEP). After each, every node must be ready again, every request answered exactly once, and every push delivered
// or replayed. scripts/redis-fault-soak.sh runs the restart loop for longer.

#include <cstdlib>
#include <iostream>

#include "cluster/cluster_harness.h"
#include "cluster/resilient_phone.h"
#include "support/tcp_proxy.h"

namespace yihu::testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string missing_person(const std::string& key) {
    return R"({"kind":"ALERT_KIND_MISSING_PERSON","center":{"latitude":22.93,"longitude":113.89},"title":"Fault )" +
           key + R"(","responders_wanted":1,"idempotency_key":")" + key + R"("})";
}

int restart_rounds() {
    const char* env = std::getenv("YIHU_REDIS_RESTARTS");
    return env != nullptr ? std::max(1, std::atoi(env)) : 4;
}

// Dispatchers posting alerts through the balancer until stopped, each with its own Idempotency-Key, retrying a key
// until it is acknowledged. Every answer must be 201/200 (taken) or 503 (retry): anything else is a failure.
class AlertLoad {
  public:
    AlertLoad(std::uint16_t port, std::string token) : port_(port), token_(std::move(token)) {
        thread_ = std::thread([this] { run(); });
    }
    ~AlertLoad() { stop(); }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    std::map<std::string, std::string> acknowledged() const {
        std::lock_guard lock(mutex_);
        return acknowledged_;
    }
    std::vector<std::string> wrong_answers() const {
        std::lock_guard lock(mutex_);
        return wrong_;
    }

  private:
    void run() {
        int n = 0;
        std::string key = "load-0";
        while (!stop_) {
            try {
                client::HttpClient http("127.0.0.1", port_);
                auto r = http.request("POST", "/v1/alerts", missing_person(key), token_, 15s);
                if (r.status == 201 || r.status == 200) {
                    v1::Alert a;
                    std::lock_guard lock(mutex_);
                    if (api::parse_json(r.body, a).ok()) {
                        acknowledged_[key] = a.id();
                    } else {
                        wrong_.push_back(r.body);
                    }
                    key = "load-" + std::to_string(++n);
                } else if (r.status != 503) {
                    std::lock_guard lock(mutex_);
                    wrong_.push_back(std::to_string(r.status) + " " + r.body);
                }
            } catch (const std::exception&) {
                // a connection lost with its node: retry the same key
            }
            std::this_thread::sleep_for(100ms);  // the load's pace, not a synchronisation
        }
    }

    std::uint16_t port_;
    std::string token_;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::map<std::string, std::string> acknowledged_;
    std::vector<std::string> wrong_;
    std::thread thread_;
};

class RedisFaultTest : public ClusterTest {
  protected:
    bool all_ready(std::size_t count, unsigned want) {
        for (std::size_t i = 0; i < count; ++i) {
            if (readyz(i) != want) return false;
        }
        return true;
    }
};

TEST_F(RedisFaultTest, EveryNodeIsReadyAgainAfterEachRedisRestartUnderLoad) {
    constexpr std::size_t kNodes = 3;
    start_cluster(kNodes);
    TcpProxy balancer({port(0), port(1), port(2)});
    std::vector<std::unique_ptr<ResilientPhone>> phones;
    for (int i = 0; i < 6; ++i) {
        phones.push_back(std::make_unique<ResilientPhone>(balancer.port(), "v-" + std::to_string(i),
                                                          near_lake(100 + 40 * i, 30 * i)));
    }
    ASSERT_TRUE(eventually(15s, [&] {
        return std::all_of(phones.begin(), phones.end(), [](const auto& p) { return p->welcomes() > 0; });
    })) << "every phone is welcomed before the faults start";
    AlertLoad load(balancer.port(), dispatcher_);

    const int rounds = restart_rounds();
    for (int round = 0; round < rounds; ++round) {
        const bool hard = round % 2 == 0;
        ASSERT_TRUE(eventually(15s, [&] { return load.acknowledged().size() > static_cast<std::size_t>(round); }))
            << "round " << round << ": no alert was taken before the fault";
        if (hard) {
            redis_->kill_hard();
        } else {
            redis_->stop();
        }
        const auto down = SteadyClock::now();
        ASSERT_TRUE(eventually(15s, [&] { return all_ready(kNodes, 503); }))
            << "round " << round << ": a node still says ready without Redis";
        // The outage itself: longer than the leader's lease (2 s here) and the relays' silence timeout (3 s), so that
        // the leader steps down and every relay resubscribes after a long silence, as in a real restart.
        std::this_thread::sleep_until(down + 3500ms);
        redis_->start();  // same port, same AOF
        const auto back = SteadyClock::now();
        const bool ready = eventually(15s, [&] { return all_ready(kNodes, 200); });
        const auto window = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - back);
        const auto outage = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - down);
        std::cout << "round " << round << " (" << (hard ? "kill -9" : "SIGTERM") << "): every node ready "
                  << window.count() << " ms after Redis answered again (" << outage.count()
                  << " ms after it went down)\n";
        ASSERT_TRUE(ready) << "round " << round << ": not every node is ready 15 s after Redis came back";
        // And it stays so: a relay that judged itself deaf right after its resubscription would drop out again.
        const auto steady_until = SteadyClock::now() + 3s;
        while (SteadyClock::now() < steady_until) {
            ASSERT_TRUE(all_ready(kNodes, 200)) << "round " << round << ": a node fell out of ready again";
            std::this_thread::sleep_for(100ms);
        }
    }
    const std::size_t before_stop = load.acknowledged().size();
    ASSERT_TRUE(eventually(15s, [&] { return load.acknowledged().size() > before_stop; }))
        << "alerts are taken after the last restart";
    load.stop();
    EXPECT_EQ(load.wrong_answers(), std::vector<std::string>{}) << "only 2xx or 503 during Redis faults";

    std::set<std::string> ids;
    for (const auto& [key, id] : load.acknowledged()) ids.insert(id);
    EXPECT_EQ(ids.size(), load.acknowledged().size()) << "one alert per idempotency key, retries included";
    for (const std::string& id : ids) {
        auto r = call(balancer.port(), "GET", "/v1/alerts/" + id);
        EXPECT_EQ(r.status, 200u) << id << " was acknowledged, so it must survive every restart: " << r.body;
    }
    for (auto& p : phones) {
        EXPECT_TRUE(eventually(30s, [&] { return p->alert_ids() == ids; }))
            << p->id() << " misses alerts (connected " << p->connects() << " times)";
        for (const auto& [alert, seqs] : p->alerts()) {
            EXPECT_EQ(seqs.size(), 1u) << p->id() << " got " << alert.first << " v" << alert.second
                                       << " under several seqs, the first " << *seqs.begin() << ", the last "
                                       << *seqs.rbegin();
        }
    }
}

// The relays' subscriptions dropped under them (Redis kills every pub/sub client): whatever was published to a node
// while it was not subscribed is lost, so its phones must not wait for it: their sockets close with 1012 and they
// resume from the store.
TEST_F(RedisFaultTest, ARelayThatLosesItsSubscriptionClosesItsSocketsWith1012) {
    start_cluster(2);
    const int lead = leader();
    ASSERT_GE(lead, 0);
    const std::size_t follower = (static_cast<std::size_t>(lead) + 1) % 2;
    auto p = phone(port(follower), "v-bus", near_lake(200, 0));
    v1::ClientMessage ping;
    ping.mutable_ping();
    auto pong = p->request(ping);
    ASSERT_TRUE(pong.has_value() && pong->has_pong()) << "the phone is served before the fault";

    EXPECT_NE(redis_->cli("CLIENT KILL TYPE pubsub"), "0");
    const auto deadline = SteadyClock::now() + 10s;
    while (!p->ws().closed() && SteadyClock::now() < deadline) p->ws().receive(100ms);
    ASSERT_TRUE(p->ws().closed()) << "the socket stayed open though frames for it may have been lost";
    EXPECT_EQ(p->ws().close_code(), 1012);
    EXPECT_TRUE(eventually(15s, [&] { return all_ready(2, 200); })) << "the relays resubscribe and serve again";
    auto back = phone(port(follower), "v-bus", near_lake(200, 0));
    auto again = back->request(ping);
    ASSERT_TRUE(again.has_value() && again->has_pong()) << "a new session is served";
}

// A frozen Redis (CLIENT PAUSE for every client, or DEBUG SLEEP: the server itself stops) drops no connection at
// once, but a pause longer than the relays' silence timeout makes them drop their subscriptions, and whatever was
// published to them meanwhile is gone. Whatever happens, a phone's request gets exactly one reply unless its socket
// closes first (then it resumes and asks again), and every push reaches its phone live or on resume.
TEST_F(RedisFaultTest, PausesOfOneToFiveSecondsAnswerEveryRequestOnceAndLoseNoPush) {
    constexpr std::size_t kNodes = 3;
    start_cluster(kNodes);
    TcpProxy balancer({port(0), port(1), port(2)});
    std::vector<std::unique_ptr<ResilientPhone>> phones;
    for (int i = 0; i < 6; ++i) {
        phones.push_back(std::make_unique<ResilientPhone>(balancer.port(), "v-" + std::to_string(i),
                                                          near_lake(100 + 40 * i, 30 * i), /*ping=*/true));
    }
    ASSERT_TRUE(eventually(15s, [&] {
        return std::all_of(phones.begin(), phones.end(), [](const auto& p) { return p->welcomes() > 0; });
    })) << "every phone is welcomed before the pauses";
    AlertLoad load(balancer.port(), dispatcher_);

    const std::vector<std::string> pauses = {"CLIENT PAUSE 1000", "DEBUG SLEEP 2", "CLIENT PAUSE 3000",
                                             "DEBUG SLEEP 5"};
    for (const std::string& pause : pauses) {
        const std::size_t taken = load.acknowledged().size();
        ASSERT_TRUE(eventually(15s, [&] { return load.acknowledged().size() > taken; }))
            << "no alert was taken before " << pause;
        EXPECT_EQ(redis_->cli(pause), "OK") << pause;  // DEBUG SLEEP answers when Redis wakes, CLIENT PAUSE at once
        if (pause.starts_with("CLIENT")) {
            const int ms = std::stoi(pause.substr(pause.rfind(' ') + 1));
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));  // the pause itself, not a synchronisation
        }
        const auto woke = SteadyClock::now();
        const bool ready = eventually(20s, [&] { return all_ready(kNodes, 200); });
        std::cout << pause << ": every node ready "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - woke).count()
                  << " ms after Redis woke\n";
        ASSERT_TRUE(ready) << "not every node is ready 20 s after " << pause;
    }
    const std::size_t before_stop = load.acknowledged().size();
    ASSERT_TRUE(eventually(15s, [&] { return load.acknowledged().size() > before_stop; }))
        << "alerts are taken after the last pause";
    load.stop();
    EXPECT_EQ(load.wrong_answers(), std::vector<std::string>{}) << "only 2xx or 503 during Redis pauses";

    for (auto& p : phones) p->stop_pinging();
    std::set<std::string> ids;
    for (const auto& [key, id] : load.acknowledged()) ids.insert(id);
    for (auto& p : phones) {
        EXPECT_GT(p->pings_sent(), 30) << p->id() << " hardly pinged: the test checked little";
        EXPECT_TRUE(eventually(15s, [&] { return p->unanswered().empty(); }))
            << p->id() << ": " << p->unanswered().size() << " pings on an open socket never got a reply";
        EXPECT_EQ(p->answered_twice(), std::vector<std::uint64_t>{}) << p->id() << ": pings answered twice";
        EXPECT_TRUE(eventually(30s, [&] { return p->alert_ids() == ids; }))
            << p->id() << " misses alerts (connected " << p->connects() << " times)";
        for (const auto& [alert, seqs] : p->alerts()) {
            EXPECT_EQ(seqs.size(), 1u) << p->id() << " got " << alert.first << " v" << alert.second
                                       << " under several seqs, the first " << *seqs.begin() << ", the last "
                                       << *seqs.rbegin();
        }
    }
}

}  // namespace
}  // namespace yihu::testing
