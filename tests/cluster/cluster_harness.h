#pragma once

// Cluster tests: a real redis-server (AOF, on a free port) and real yihu-server processes joined through it, talked
// to with real WebSocket phones and HTTP over loopback. Every wait is bounded.

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "common/child_process.h"
#include "common/local_redis.h"
#include "common/local_sentinel.h"
#include "server/node_harness.h"
#include "support/readiness.h"

namespace yihu::testing {

inline constexpr const char* kClusterSecret = "cluster-test-secret-0123456789abcdef";

// One yihu-server process. Keeps its port across restarts.
struct NodeProcess {
    std::string id;
    std::uint16_t port = 0;
    std::filesystem::path data_dir;
    std::filesystem::path log;
    client::ChildProcess process;
    bool killed = false;  // killed by the test (-9): its exit code says nothing
};

// A sanitizer's or the runtime's report in a node's log, or "" when there is none.
inline std::string sanitizer_report(const std::filesystem::path& log) {
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
        for (const char* mark :
             {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "ERROR: ThreadSanitizer"}) {
            if (line.find(mark) != std::string::npos) return line;
        }
    }
    return {};
}

// One Retry-After header holding a number of seconds (two headers would read "1, 2").
// A replica's flags as a sentinel sees them ("slave" when healthy; "s_down,slave" while down), "" if unknown.
inline std::string replica_flags(const client::LocalSentinel& sentinel, std::uint16_t port) {
    const std::string replicas = sentinel.cli("SENTINEL REPLICAS yihu");
    const auto at = replicas.find("name\n127.0.0.1:" + std::to_string(port) + "\n");
    if (at == std::string::npos) return {};
    const auto flags = replicas.find("\nflags\n", at);
    if (flags == std::string::npos) return {};
    const auto begin = flags + 7;
    return replicas.substr(begin, replicas.find('\n', begin) - begin);
}

inline void expect_one_retry_after(const client::HttpClient::Reply& r) {
    const std::string& value = r.headers.count("retry-after") ? r.headers.at("retry-after") : std::string();
    EXPECT_FALSE(value.empty()) << "a 503 says when to retry";
    EXPECT_TRUE(std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
        << "Retry-After must be one number of seconds, got '" << value << "'";
}

class ClusterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        redis_ = std::make_unique<client::LocalRedis>(client::LocalRedis::Options{.dir = dir_.path() / "redis"});
        secret_file_ = dir_.path() / "token-secret";
        std::ofstream(secret_file_) << kClusterSecret;
        dispatcher_ = mint(kClusterSecret, api::Role::kDispatcher, "d-1");
    }
    // Every node the test did not kill must stop cleanly on SIGTERM (exit 0) and leave no sanitizer report: a node
    // that crashed or leaked fails the test even when its clients saw nothing wrong.
    void TearDown() override {
        for (auto& n : nodes_) {
            const int code = n.process.stop();
            if (!n.killed) {
                EXPECT_EQ(code, 0) << n.id << " exited with " << code << "; log " << n.log;
            }
            const std::string report = sanitizer_report(n.log);
            EXPECT_EQ(report, "") << n.id << "'s log has a sanitizer report; log " << n.log;
        }
        if (HasFailure()) {
            dir_.keep();
            for (auto& n : nodes_) std::cerr << "node " << n.id << " log (kept): " << n.log << "\n";
        }
    }

    // Starts node `i` (0-based) of the cluster, or a standalone node without Redis when `clustered` is false.
    void start_node(std::size_t i, bool clustered = true, const std::string& lease_ttl = "2s") {
        while (nodes_.size() <= i) {
            NodeProcess n;
            n.id = "node-" + std::to_string(nodes_.size() + 1);
            n.port = client::free_loopback_port();
            n.data_dir = dir_.path() / n.id;
            n.log = dir_.path() / (n.id + ".log");
            nodes_.push_back(std::move(n));
        }
        NodeProcess& n = nodes_[i];
        n.killed = false;
        std::vector<std::string> argv = {YIHU_SERVER_BINARY,
                                         "--port",
                                         std::to_string(n.port),
                                         "--data-dir",
                                         n.data_dir.string(),
                                         "--server.node_id",
                                         n.id,
                                         "--auth.token_secret_file",
                                         secret_file_.string(),
                                         "--log.level",
                                         "debug"};
        if (clustered) {
            argv.insert(argv.end(), {"--redis.url", redis_url_.empty() ? redis_->url() : redis_url_,
                                     "--redis.lease_ttl", lease_ttl});
            argv.insert(argv.end(), redis_args_.begin(), redis_args_.end());
        }
        argv.insert(argv.end(), node_args_.begin(), node_args_.end());
        n.process = client::ChildProcess(argv, n.log);
    }

    void start_cluster(std::size_t count, const std::string& lease_ttl = "2s") {
        for (std::size_t i = 0; i < count; ++i) start_node(i, true, lease_ttl);
        for (std::size_t i = 0; i < count; ++i) {
            ASSERT_TRUE(wait_ready(i, 20s)) << nodes_[i].id << " not ready; log " << nodes_[i].log;
        }
    }

    std::uint16_t port(std::size_t i) const { return nodes_[i].port; }

    // Redis highly available (docs/cluster.md): `replicas` replicas of redis_, and with `sentinels` three
    // redis-sentinel watching them as "yihu". Nodes started afterwards find the master through the sentinels (or
    // use redis_ directly) and count a write as done only once `wait_replicas` replicas have it, else 503 after
    // `wait_timeout`. Returns once the replicas have synced and every sentinel knows them and the other sentinels.
    void start_replication(int replicas, bool sentinels, int wait_replicas, const std::string& wait_timeout) {
        for (int r = 0; r < replicas; ++r) {
            replicas_.push_back(std::make_unique<client::LocalRedis>(client::LocalRedis::Options{
                .dir = dir_.path() / ("replica-" + std::to_string(r)), .replica_of = redis_->port()}));
            ASSERT_TRUE(eventually(10s,
                                   [&] {
                                       return replicas_.back()->cli("INFO replication").find("master_link_status:up") !=
                                              std::string::npos;
                                   }))
                << "replica " << r << " never synced";
        }
        redis_args_ = {"--redis.wait_replicas", std::to_string(wait_replicas), "--redis.wait_timeout", wait_timeout};
        if (!sentinels) return;
        std::string hosts;
        for (int s = 0; s < 3; ++s) {
            sentinels_.push_back(std::make_unique<client::LocalSentinel>(client::LocalSentinel::Options{
                .dir = dir_.path() / ("sentinel-" + std::to_string(s)), .master_port = redis_->port()}));
            hosts += (s > 0 ? "," : "") + std::string("127.0.0.1:") + std::to_string(sentinels_.back()->port());
        }
        redis_url_ = "redis-sentinel://" + hosts + "/yihu";
        // A failover needs a quorum that knows the replicas; sentinels find replicas and each other in a few seconds.
        ASSERT_TRUE(eventually(20s, [&] {
            for (const auto& s : sentinels_) {
                for (const auto& r : replicas_) {
                    if (replica_flags(*s, r->port()) != "slave") return false;
                }
                const std::string master = s->cli("SENTINEL MASTER yihu");
                const auto at = master.find("num-other-sentinels\n");
                if (at == std::string::npos || std::atoi(master.c_str() + at + 20) != 2) return false;
            }
            return true;
        })) << "the sentinels never found the replica and each other";
    }

    // The port of the Redis the sentinels name master now (redis_'s without sentinels).
    std::uint16_t master_port() const {
        if (sentinels_.empty()) return redis_->port();
        return sentinels_.front()->master_port();
    }
    std::string master_cli(const std::string& args) const { return client::redis_cli(master_port(), args); }

    // kill -9 of node `i`: no goodbye, and no exit code to check afterwards.
    void kill_node(std::size_t i) {
        nodes_[i].killed = true;
        nodes_[i].process.kill_hard();
    }

    // Polls `condition` every 20 ms until it holds or `timeout` passes; returns whether it held.
    template <typename Condition>
    static bool eventually(std::chrono::milliseconds timeout, Condition condition) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!condition()) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            std::this_thread::sleep_for(20ms);
        }
        return true;
    }

    unsigned readyz(std::size_t i) { return readyz_status(nodes_[i].port); }
    bool wait_ready(std::size_t i, std::chrono::milliseconds timeout, unsigned want = 200) {
        return wait_for_readyz(nodes_[i].port, timeout, want, [&] { return nodes_[i].process.running(); });
    }

    // How many connections subscribe to a cluster channel (PUBSUB NUMSUB), e.g. "ch:leader".
    int subscribers(const std::string& channel) {
        const std::string out = master_cli("PUBSUB NUMSUB 'yihu:{dongguan}:" + channel + "'");
        const auto newline = out.rfind('\n');
        return std::atoi(out.c_str() + (newline == std::string::npos ? 0 : newline + 1));
    }

    // The index of the node holding the leader lease, or -1.
    int leader() {
        const std::string value = master_cli("GET 'yihu:{dongguan}:leader'");
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            if (value.rfind(nodes_[i].id + "#", 0) == 0) return static_cast<int>(i);
        }
        return -1;
    }

    client::HttpClient::Reply call(std::uint16_t port, std::string_view method, std::string_view target,
                                   std::string_view body = {}) {
        client::HttpClient http("127.0.0.1", port);
        return http.request(method, target, body, dispatcher_, 10s);
    }

    std::unique_ptr<Phone> phone(std::uint16_t port, const std::string& id, core::geo::LatLng at,
                                 std::vector<std::string> skills = {"swimmer"},
                                 core::Tier tier = core::Tier::kRegistered) {
        auto p = std::make_unique<Phone>(port, false);
        const v1::Welcome w = p->hello(mint(kClusterSecret, api::Role::kVolunteer, id, std::move(skills), tier), at);
        EXPECT_FALSE(w.epoch().empty()) << id << " got no welcome";
        return p;
    }

    testing::TempDir dir_;
    std::unique_ptr<client::LocalRedis> redis_;
    std::vector<std::unique_ptr<client::LocalRedis>> replicas_;      // start_replication()
    std::vector<std::unique_ptr<client::LocalSentinel>> sentinels_;  // start_replication(n, true, ...)
    std::string redis_url_;                                          // empty: redis_->url()
    std::vector<std::string> redis_args_;                            // more --redis.* flags for every node
    std::vector<std::string> node_args_;                             // more flags for every node (--config f)
    std::filesystem::path secret_file_;
    std::string dispatcher_;
    std::vector<NodeProcess> nodes_;
};

}  // namespace yihu::testing
