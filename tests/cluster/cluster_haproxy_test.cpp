// deploy/haproxy.cfg as deployed, with a real haproxy in front of real nodes: a node that dies is retried around, and
// haproxy's own errors are yihu's JSON ErrorBody with one Retry-After.

#include <fstream>
#include <sstream>

#include "cluster/cluster_harness.h"

namespace yihu::testing {
namespace {

class HaproxyTest : public ClusterTest {
  protected:
    // Starts haproxy with deploy/haproxy.cfg filled in as deploy/local-cluster.sh fills it.
    void start_haproxy() {
        const std::filesystem::path repo = std::filesystem::path(YIHU_TEST_DATA_DIR).parent_path().parent_path();
        std::ifstream in(repo / "deploy" / "haproxy.cfg");
        std::stringstream text;
        text << in.rdbuf();
        std::string cfg = text.str();
        haproxy_port_ = client::free_loopback_port();
        std::string servers;
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            servers += "    server " + nodes_[i].id + " 127.0.0.1:" + std::to_string(port(i)) + "\n";
        }
        auto fill = [&](const std::string& field, const std::string& value) {
            for (auto at = cfg.find(field); at != std::string::npos; at = cfg.find(field))
                cfg.replace(at, field.size(), value);
        };
        fill("@BIND@", "127.0.0.1:" + std::to_string(haproxy_port_));
        fill("@ERRORS@", (repo / "deploy" / "errors").string());
        fill("@SERVERS@\n", servers);
        const auto path = dir_.path() / "haproxy.cfg";
        std::ofstream(path) << cfg;
        haproxy_ = client::ChildProcess({"haproxy", "-db", "-f", path.string()}, dir_.path() / "haproxy.log");
        ASSERT_TRUE(eventually(10s,
                               [&] {
                                   try {
                                       client::HttpClient probe("127.0.0.1", haproxy_port_);
                                       return probe.request("GET", "/healthz", {}, {}, 1s).status == 200;
                                   } catch (const std::exception&) {
                                       return false;
                                   }
                               }))
            << "haproxy did not come up; log " << dir_.path() / "haproxy.log";
    }
    void TearDown() override {
        if (haproxy_.pid() > 0) {
            const int code = haproxy_.stop();
            EXPECT_TRUE(code == 0 || code == 143) << "haproxy exited with " << code;
        }
        ClusterTest::TearDown();
    }

    std::uint16_t haproxy_port_ = 0;
    client::ChildProcess haproxy_;
};

std::string keyed_alert(const std::string& key) {
    return R"({"kind":"ALERT_KIND_MISSING_PERSON","center":{"latitude":22.93,"longitude":113.89},"title":"Via haproxy",)"
           R"("responders_wanted":1,"idempotency_key":")" +
           key + R"("})";
}

TEST_F(HaproxyTest, ANodeThatDiedIsRetriedAroundAndHaproxysOwnErrorsAreJson) {
    start_cluster(3);
    start_haproxy();
    const int lead = leader();
    ASSERT_GE(lead, 0);
    const std::size_t victim = (static_cast<std::size_t>(lead) + 1) % 3;

    kill_node(victim);  // haproxy's health check needs 2 s to notice; the requests below come before that
    std::set<std::string> ids;
    for (int n = 0; n < 9; ++n) {  // three rounds of the round robin: the dead node's turn comes three times
        auto posted = call(haproxy_port_, "POST", "/v1/alerts", keyed_alert("via-haproxy-" + std::to_string(n)));
        EXPECT_EQ(posted.status, 201u) << "a POST whose node died is sent to another: " << posted.body;
        v1::Alert a;
        if (posted.status == 201 && api::parse_json(posted.body, a).ok()) ids.insert(a.id());
        auto read = call(haproxy_port_, "GET", "/v1/alerts");
        EXPECT_EQ(read.status, 200u) << read.body;
    }
    EXPECT_EQ(ids.size(), 9u);

    // No node left: haproxy answers itself, in yihu's shape.
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (i != victim) {
            EXPECT_EQ(nodes_[i].process.stop(), 0) << nodes_[i].id;
        }
    }
    auto orphan = call(haproxy_port_, "POST", "/v1/alerts", keyed_alert("via-haproxy-orphan"));
    EXPECT_EQ(orphan.status, 503u) << orphan.body;
    v1::ErrorBody body;
    EXPECT_TRUE(api::parse_json(orphan.body, body).ok()) << "haproxy's 503 is a JSON ErrorBody: " << orphan.body;
    EXPECT_EQ(body.code(), v1::ERROR_CODE_UNAVAILABLE);
    EXPECT_EQ(orphan.headers["retry-after"], "2");
    EXPECT_EQ(orphan.headers["content-type"], "application/json");
}

}  // namespace
}  // namespace yihu::testing
