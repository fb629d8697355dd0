// Redis highly available (docs/cluster.md): the master killed with -9 under Sentinel while alerts are posted, with
// no acknowledged alert lost; and a replica that does not confirm a write in time turning that write into 503.

#include <algorithm>
#include <cstdlib>
#include <set>

#include "cluster/cluster_harness.h"

namespace yihu::testing {
namespace {

// POSTs an alert; its id when acknowledged (201), nullopt for anything else (503, a connection lost).
std::optional<std::string> post_alert(std::uint16_t port, const std::string& token, unsigned* status = nullptr) {
    try {
        client::HttpClient http("127.0.0.1", port);
        auto r = http.request("POST", "/v1/alerts", drowning_json(1), token, 5s);
        if (status != nullptr) *status = r.status;
        if (r.status != 201) return std::nullopt;
        v1::Alert a;
        if (!api::parse_json(r.body, a).ok()) return std::nullopt;
        return a.id();
    } catch (const std::exception&) {
        if (status != nullptr) *status = 0;
        return std::nullopt;
    }
}

// A replica's flags as a sentinel sees them ("slave" when healthy; "s_down,slave" while down), "" if unknown.
std::string replica_flags(const client::LocalSentinel& sentinel, std::uint16_t port) {
    const std::string replicas = sentinel.cli("SENTINEL REPLICAS yihu");
    const auto at = replicas.find("name\n127.0.0.1:" + std::to_string(port) + "\n");
    if (at == std::string::npos) return {};
    const auto flags = replicas.find("\nflags\n", at);
    if (flags == std::string::npos) return {};
    const auto begin = flags + 7;
    return replicas.substr(begin, replicas.find('\n', begin) - begin);
}

// Failovers per run: 1 in CI; tests/cluster/redis_restart_soak.sh --sentinel sets more.
int failover_rounds() {
    const char* env = std::getenv("YIHU_SENTINEL_FAILOVERS");
    return env != nullptr ? std::max(1, std::atoi(env)) : 1;
}

TEST_F(ClusterTest, MasterKilledUnderSentinelLosesNoAcknowledgedAlertAndServesAgain) {
    using SteadyClock = std::chrono::steady_clock;
    ASSERT_NO_FATAL_FAILURE(start_replication(true, 1, "1s"));
    start_cluster(3);
    ASSERT_EQ(master_port(), redis_->port());

    std::set<std::string> acknowledged;
    int attempt = 0;
    // One POST to the next node in turn; true when acknowledged. Only "unavailable, retry" (or a connection lost)
    // is acceptable otherwise.
    auto post = [&] {
        unsigned status = 0;
        auto id = post_alert(port(static_cast<std::size_t>(attempt++ % 3)), dispatcher_, &status);
        if (id) acknowledged.insert(*id);
        EXPECT_TRUE(id || status == 503 || status == 0) << "during a failover only 503 is acceptable, got " << status;
        return id.has_value();
    };
    for (int n = 0; n < 10; ++n) ASSERT_TRUE(post()) << "alert " << n << " before any fault";

    client::LocalRedis* master = redis_.get();
    client::LocalRedis* replica = replica_.get();
    for (int round = 0; round < failover_rounds(); ++round) {
        master->kill_hard();
        const auto killed = SteadyClock::now();
        // Alerts keep coming. The dead master's machine comes back once the replica was promoted, and rejoins as a
        // replica (Sentinel reconfigures it), so that writes can be confirmed by one again.
        bool restarted = false;
        int refused = 0;
        SteadyClock::time_point promoted{};
        const bool served = eventually(10s, [&] {
            if (!restarted && master_port() == replica->port()) {
                promoted = SteadyClock::now();
                master->start();
                restarted = true;
            }
            if (post()) return true;
            ++refused;
            return false;
        });
        ASSERT_TRUE(served) << "round " << round << ": no alert acknowledged within 10 s of the master's death "
                            << "(replica promoted: " << restarted << ", leader " << leader() << ")";
        const auto ms = [&](SteadyClock::time_point t) {
            return std::chrono::duration_cast<std::chrono::milliseconds>(t - killed).count();
        };
        std::cout << "[ sentinel ] round " << round << ": master killed; replica promoted after " << ms(promoted)
                  << " ms; first alert acknowledged after " << ms(SteadyClock::now()) << " ms; " << refused
                  << " POSTs refused meanwhile\n";
        ASSERT_EQ(master_port(), replica->port()) << "Sentinel promoted the replica";
        EXPECT_GT(refused, 0) << "the failover was seen: some requests were refused";
        for (int n = 0; n < 5; ++n) {
            EXPECT_TRUE(eventually(10s, post)) << "round " << round << ", alert " << n << " after the failover";
        }
        // Every acknowledged alert is on the new master and served by the cluster.
        for (const std::string& id : acknowledged) {
            EXPECT_EQ(master_cli("HEXISTS 'yihu:{dongguan}:alert_ids' " + id), "1") << id << " was acknowledged";
            EXPECT_EQ(call(port(0), "GET", "/v1/alerts/" + id).status, 200u) << id;
        }
        std::swap(master, replica);
        // The next round kills the new master: its replica must be in sync and known to the sentinels.
        ASSERT_TRUE(eventually(20s, [&] {
            if (replica->cli("INFO replication").find("master_link_status:up") == std::string::npos) return false;
            return std::all_of(sentinels_.begin(), sentinels_.end(), [&](const auto& s) {
                return replica_flags(*s, replica->port()) == "slave";
            });
        })) << "round " << round << ": the old master never rejoined as a replica";
    }
    std::cout << "[ sentinel ] " << acknowledged.size() << " alerts acknowledged, all kept\n";
}

TEST_F(ClusterTest, AWriteNoReplicaConfirmsInTimeAnswers503) {
    ASSERT_NO_FATAL_FAILURE(start_replication(false, 1, "300ms"));
    start_cluster(2);
    ASSERT_TRUE(post_alert(port(0), dispatcher_)) << "confirmed by the replica";

    replica_->pause();
    auto refused = call(port(1), "POST", "/v1/alerts", drowning_json(1));
    replica_->resume();
    EXPECT_EQ(refused.status, 503u) << refused.body;
    EXPECT_NE(refused.body.find("UNAVAILABLE"), std::string::npos) << refused.body;
    expect_one_retry_after(refused);

    std::optional<std::string> id;
    EXPECT_TRUE(eventually(10s, [&] { return (id = post_alert(port(0), dispatcher_)).has_value(); }))
        << "writes are acknowledged again once the replica answers";
}

}  // namespace
}  // namespace yihu::testing
