// The command path, differentially: the same dispatcher requests sent to a standalone node and to a cluster node
// that does not lead (so every command crosses the Redis bus as a HubCommand and comes back as a HubResult) get the
// same statuses, error codes and details, headers and alerts.

#include "cluster_harness.h"

namespace yihu::testing {
namespace {

struct Step {
    const char* method;
    std::string target;
    std::string body;
    bool alert = false;  // a 2xx body is an Alert: compare its id, version, state and title
};

TEST_F(ClusterTest, ACommandAnswersTheSameThroughTheBusAsOnOneNode) {
    start_cluster(2);
    start_node(2, false);
    ASSERT_TRUE(wait_ready(2, 20s)) << nodes_[2].log;
    const int lead = leader();
    ASSERT_GE(lead, 0);
    const std::size_t relayed = lead == 0 ? 1 : 0;

    const std::string flood =
        R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"Flood","idempotencyKey":"k-1"})";
    const std::vector<Step> steps{
        {"POST", "/v1/alerts", flood, true},
        {"POST", "/v1/alerts", flood, true},
        {"POST", "/v1/alerts",
         R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"Other","idempotencyKey":"k-1"})"},
        {"POST", "/v1/alerts", "{not json"},
        {"POST", "/v1/alerts", R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":95,"longitude":0},"title":"x"})"},
        {"GET", "/v1/alerts/dongguan-1"},
        {"GET", "/v1/alerts/nope-1"},
        {"PATCH", "/v1/alerts/dongguan-1", R"({"expectedVersion":"7","description":"x"})"},
        {"PATCH", "/v1/alerts/dongguan-1", R"({"description":"x"})", true},
        {"GET", "/v1/alerts?pageSize=1"},
        {"GET", "/v1/alerts?pageSize=5000"},
        {"GET", "/v1/alerts/dongguan-1/recipients"},
        {"GET", "/v1/alerts/dongguan-1/audit?pageSize=2"},
        {"POST", "/v1/alerts/dongguan-1/sightings/x:confirm"},
        {"POST", "/v1/alerts/dongguan-1:resolve", R"({"found":true,"message":"Safe."})", true},
        {"POST", "/v1/alerts/dongguan-1:cancel", "{}"},
        {"DELETE", "/v1/alerts/dongguan-1"},
        {"GET", "/v1/nowhere"},
        {"PUT", "/v1/devices/hut-7", R"({"position":{"location":{"latitude":22.93,"longitude":113.89}}})"},
        {"GET", "/v1/devices"},
    };
    for (const Step& s : steps) {
        SCOPED_TRACE(std::string(s.method) + " " + s.target);
        auto one = call(port(2), s.method, s.target, s.body);
        auto many = call(port(relayed), s.method, s.target, s.body);
        ASSERT_EQ(many.status, one.status) << "cluster: " << many.body << "\none node: " << one.body;
        for (const char* h : {"content-type", "location", "allow"}) EXPECT_EQ(many.headers[h], one.headers[h]) << h;
        if (one.status >= 300) {
            v1::ErrorBody a, b;
            ASSERT_TRUE(api::parse_json(one.body, a)) << one.body;
            ASSERT_TRUE(api::parse_json(many.body, b)) << many.body;
            EXPECT_EQ(b.code(), a.code());
            EXPECT_EQ(b.message(), a.message());
            EXPECT_EQ(std::map(b.details().begin(), b.details().end()),
                      std::map(a.details().begin(), a.details().end()));
        } else if (s.alert) {
            v1::Alert a, b;
            ASSERT_TRUE(api::parse_json(one.body, a)) << one.body;
            ASSERT_TRUE(api::parse_json(many.body, b)) << many.body;
            EXPECT_EQ(b.id(), a.id());
            EXPECT_EQ(b.version(), a.version());
            EXPECT_EQ(b.state(), a.state());
            EXPECT_EQ(b.title(), a.title());
            EXPECT_EQ(b.created_by(), a.created_by());
        }
    }
}

}  // namespace
}  // namespace yihu::testing
