// The alert's audit trail records what crossed to a peer (FORWARDED) and the peer's answer (PEER_ACKED), in both
// stores: the close's acknowledgement is read back after the closed alert has left memory, i.e. from the store.

#include "federation_harness.h"
#include "store_backend.h"

namespace yihu::testing {
namespace {

const core::geo::LatLng kBorder{36.50, 117.20};

class FederationAuditTest : public FederationTest, public ::testing::WithParamInterface<Backend> {
  protected:
    void SetUp() override {
        const std::string run = std::to_string(free_loopback_port());
        open_store_ = [run](const ops::Config& c) {
            return open_backend(GetParam(), c, "fedaudit" + run + c.server.city);
        };
    }

    // The trail's (kind, reason, actor) triples, once `ready` holds for them (or 10 s pass: whatever was last read).
    std::vector<std::tuple<std::string, std::string, std::string>> trail(
        const std::string& name, const std::string& id,
        std::function<bool(const std::vector<std::tuple<std::string, std::string, std::string>>&)> ready) {
        std::vector<std::tuple<std::string, std::string, std::string>> out;
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = city(name).call("GET", "/v1/alerts/" + id + "/audit");
            v1::AuditTrailResponse t;
            if (r.status == 200 && api::parse_json(r.body, t).ok()) {
                out.clear();
                for (const v1::AuditEvent& e : t.events()) {
                    out.emplace_back(v1::AuditEventKind_Name(e.kind()), e.reason(), e.actor());
                }
                if (ready(out)) return out;
            }
            std::this_thread::sleep_for(20ms);
        }
        return out;
    }
};

using Entry = std::tuple<std::string, std::string, std::string>;

bool has(const std::vector<Entry>& trail, const Entry& e) {
    return std::find(trail.begin(), trail.end(), e) != trail.end();
}

std::string show(const std::vector<Entry>& trail) {
    std::string out;
    for (const auto& [kind, reason, actor] : trail) out += kind + " | " + reason + " | " + actor + "\n";
    return out;
}

TEST_P(FederationAuditTest, FederationForwardsAndPeerAcksAreInTheAlertsTrail) {
    ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan"}, {{"laiwu", "jinan"}}));
    const v1::Alert a = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 25'000));
    const Entry forwarded{"AUDIT_EVENT_KIND_FORWARDED", "alert v1 to jinan", "system"};
    const Entry acked{"AUDIT_EVENT_KIND_PEER_ACKED", "jinan accepted alert v1", "peer:jinan"};
    auto t = trail("laiwu", a.id(), [&](const auto& t) { return has(t, acked); });
    EXPECT_TRUE(has(t, forwarded)) << show(t);
    EXPECT_TRUE(has(t, acked)) << show(t);

    auto updated = city("laiwu").call("PATCH", "/v1/alerts/" + a.id(), R"({"title":"Missing: man, 78, grey cap"})");
    ASSERT_EQ(updated.status, 200u) << updated.body;
    const Entry update_acked{"AUDIT_EVENT_KIND_PEER_ACKED", "jinan accepted update v2", "peer:jinan"};
    t = trail("laiwu", a.id(), [&](const auto& t) { return has(t, update_acked); });
    EXPECT_TRUE(has(t, {"AUDIT_EVENT_KIND_FORWARDED", "update v2 to jinan", "system"})) << show(t);
    EXPECT_TRUE(has(t, update_acked)) << show(t);

    auto resolved = city("laiwu").call("POST", "/v1/alerts/" + a.id() + ":resolve",
                                       R"({"found":true,"message":"Found safe. Thank you all."})");
    ASSERT_EQ(resolved.status, 200u) << resolved.body;
    const Entry close_acked{"AUDIT_EVENT_KIND_PEER_ACKED", "jinan accepted close v3", "peer:jinan"};
    t = trail("laiwu", a.id(), [&](const auto& t) { return has(t, close_acked); });
    EXPECT_TRUE(has(t, {"AUDIT_EVENT_KIND_FORWARDED", "close v3 to jinan", "system"})) << show(t);
    EXPECT_TRUE(has(t, close_acked)) << show(t);
    // Forward before acknowledgement, each once.
    const auto at = [&](const Entry& e) { return std::find(t.begin(), t.end(), e) - t.begin(); };
    EXPECT_LT(at(forwarded), at(acked));
    EXPECT_EQ(std::count(t.begin(), t.end(), close_acked), 1);

    // The closed alert leaves memory once the peer has answered; the trail, read from the store, still holds it.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::string metrics;
    while (std::chrono::steady_clock::now() < deadline) {
        metrics = city("laiwu").node->render_metrics();
        if (metrics.find("yihu_alerts_in_memory 0") != std::string::npos) break;
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_NE(metrics.find("yihu_alerts_in_memory 0"), std::string::npos) << metrics;
    t = trail("laiwu", a.id(), [&](const auto& t) { return has(t, close_acked); });
    EXPECT_TRUE(has(t, close_acked)) << show(t);
}

INSTANTIATE_TEST_SUITE_P(Stores, FederationAuditTest, ::testing::Values(Backend::kSqlite, Backend::kRedis),
                         [](const auto& info) { return std::string(backend_name(info.param)); });

}  // namespace
}  // namespace yihu::testing
