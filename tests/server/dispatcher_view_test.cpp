// What a dispatcher reads says what happened: a withdrawal reads as one (responses, counts, trail), audit events name
// their actor and version, escalation events carry the old radius, and the feed honours alertIds and
// responderPositions.

#include <set>
#include <thread>

#include "node_harness.h"

namespace yihu::testing {
namespace {

// Feed events until (and including) the first one `stop` accepts; fails the test if the feed goes quiet first.
std::vector<v1::LiveFeedEvent> read_feed_until(client::WsClient& feed,
                                               const std::function<bool(const v1::LiveFeedEvent&)>& stop) {
    std::vector<v1::LiveFeedEvent> events;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        auto f = feed.receive(1s);
        if (!f) continue;
        v1::LiveFeedEvent e;
        EXPECT_TRUE(api::parse_json(f->data, e).ok()) << f->data;
        events.push_back(e);
        if (stop(e)) return events;
    }
    ADD_FAILURE() << "the awaited feed event never came (" << events.size() << " others did)";
    return events;
}

// Feeds are registered with the hub after their upgrade: wait (bounded) until it counts `n`, so that every event
// the test causes afterwards reaches them.
::testing::AssertionResult feeds_registered(client::HttpClient& http, int n) {
    const std::string line = "yihu_feeds_connected " + std::to_string(n) + "\n";
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (http.request("GET", "/metrics").body.find(line) != std::string::npos) return ::testing::AssertionSuccess();
        std::this_thread::sleep_for(20ms);
    }
    return ::testing::AssertionFailure() << "the hub never counted " << n << " feeds";
}

v1::ClientMessage position_message(core::geo::LatLng p) {
    v1::ClientMessage m;
    m.mutable_position()->mutable_position()->mutable_location()->set_latitude(p.lat);
    m.mutable_position()->mutable_position()->mutable_location()->set_longitude(p.lon);
    m.mutable_position()->mutable_position()->set_accuracy_m(5);
    return m;
}

TEST_F(NodeTest, WithdrawalReadsAsAWithdrawalAndAuditEventsNameActorAndVersion) {
    auto p = phone("v-1", near_lake(100, 0));
    const v1::Alert a = create(drowning_json(1));
    ASSERT_FALSE(a.id().empty());
    ASSERT_TRUE(p->next_of(v1::ServerMessage::kAlert).has_value());
    ASSERT_TRUE(is_ok(p->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)));
    ASSERT_TRUE(is_ok(p->respond(a.id(), v1::RESPONSE_KIND_WITHDRAW)));
    // Withdrawing again, or without having accepted, is refused.
    auto again = p->respond(a.id(), v1::RESPONSE_KIND_WITHDRAW);
    ASSERT_TRUE(again.has_value());
    ASSERT_TRUE(again->has_error()) << again->DebugString();
    EXPECT_EQ(again->error().code(), v1::ERROR_CODE_INVALID_ARGUMENT);
    ASSERT_EQ(call("PATCH", "/v1/alerts/" + a.id(), R"({"description":"red cap"})").status, 200u);

    auto r = call("GET", "/v1/alerts/" + a.id());
    ASSERT_EQ(r.status, 200u) << r.body;
    v1::AlertDetail detail;
    ASSERT_TRUE(api::parse_json(r.body, detail).ok()) << r.body;
    EXPECT_EQ(detail.counts().withdrawn(), 1u);
    EXPECT_EQ(detail.counts().declined(), 0u);
    EXPECT_EQ(detail.counts().accepted(), 0u);

    r = call("GET", "/v1/alerts/" + a.id() + "/responses");
    v1::ResponsesResponse responses;
    ASSERT_TRUE(api::parse_json(r.body, responses).ok()) << r.body;
    ASSERT_EQ(responses.responses_size(), 2);
    EXPECT_EQ(responses.responses(0).kind(), v1::RESPONSE_KIND_ACCEPT);
    EXPECT_EQ(responses.responses(1).kind(), v1::RESPONSE_KIND_WITHDRAW);

    r = call("GET", "/v1/alerts/" + a.id() + "/audit?pageSize=200");
    v1::AuditTrailResponse audit;
    ASSERT_TRUE(api::parse_json(r.body, audit).ok()) << r.body;
    ASSERT_GT(audit.events_size(), 4);
    std::set<std::string> kinds;
    for (const auto& e : audit.events()) {
        const std::string kind = v1::AuditEventKind_Name(e.kind());
        kinds.insert(kind);
        EXPECT_GE(e.alert_version(), 1u) << kind;
        EXPECT_FALSE(e.actor().empty()) << kind;
        EXPECT_NE(e.kind(), v1::AUDIT_EVENT_KIND_STATE_CHANGED) << "nothing changed the alert's state: " << e.reason();
        if (e.kind() == v1::AUDIT_EVENT_KIND_CREATED) {
            EXPECT_EQ(e.actor(), "d-1");
        }
        if (e.kind() == v1::AUDIT_EVENT_KIND_MATCHED) {
            EXPECT_EQ(e.actor(), "system");
        }
        if (e.kind() == v1::AUDIT_EVENT_KIND_RESPONDED) {
            EXPECT_EQ(e.actor(), "v-1");
        }
        if (e.kind() == v1::AUDIT_EVENT_KIND_UPDATED) {
            EXPECT_EQ(e.actor(), "d-1");
            EXPECT_EQ(e.alert_version(), 2u);
        }
    }
    for (const char* k : {"AUDIT_EVENT_KIND_CREATED", "AUDIT_EVENT_KIND_MATCHED", "AUDIT_EVENT_KIND_RESPONDED",
                          "AUDIT_EVENT_KIND_STAFFING_LOST", "AUDIT_EVENT_KIND_UPDATED"}) {
        EXPECT_TRUE(kinds.count(k)) << "trail lacks " << k;
    }
}

TEST_F(NodeTest, EscalationFeedEventCarriesTheOldRadius) {
    auto feed = client::WsClient::connect("127.0.0.1", node_->port(), "/v1/feed?access_token=" + dispatcher_);
    ASSERT_TRUE(feeds_registered(*http_, 1));
    auto p = phone("v-1", near_lake(100, 0));
    const v1::Alert a = create(R"({"kind":"ALERT_KIND_DROWNING","center":{"latitude":22.93,"longitude":113.89},)"
                               R"("title":"Drowning","respondersWanted":1,"policy":{"escalationTimeout":"1s"}})");
    ASSERT_FALSE(a.id().empty());
    const auto events = read_feed_until(*feed, [](const v1::LiveFeedEvent& e) { return e.has_escalation(); });
    ASSERT_FALSE(events.empty());
    ASSERT_TRUE(events.back().has_escalation());
    EXPECT_EQ(events.back().escalation().old_radius_m(), 1'500);
    EXPECT_EQ(events.back().escalation().new_radius_m(), 3'000);
}

TEST_F(NodeTest, FeedHonoursAlertIdsAndResponderPositions) {
    auto p = phone("v-1", near_lake(100, 0));
    const v1::Alert a = create(drowning_json(1));
    ASSERT_FALSE(a.id().empty());
    ASSERT_TRUE(p->next_of(v1::ServerMessage::kAlert).has_value());
    auto everything = client::WsClient::connect("127.0.0.1", node_->port(),
                                                "/v1/feed?responderPositions=true&access_token=" + dispatcher_);
    auto only_a = client::WsClient::connect(
        "127.0.0.1", node_->port(),
        "/v1/feed?responderPositions=true&alertIds=" + a.id() + "&access_token=" + dispatcher_);
    auto no_positions = client::WsClient::connect("127.0.0.1", node_->port(),
                                                  "/v1/feed?responderPositions=false&access_token=" + dispatcher_);
    ASSERT_TRUE(feeds_registered(*http_, 3));

    const v1::Alert b = create(R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.95,"longitude":113.80},)"
                               R"("title":"Another"})");
    ASSERT_TRUE(is_ok(p->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)));
    ASSERT_TRUE(is_ok(p->request(position_message(near_lake(60, 0)))));
    ASSERT_EQ(call("POST", "/v1/alerts/" + a.id() + ":resolve", R"({"found":true})").status, 200u);

    auto closed_a = [&](const v1::LiveFeedEvent& e) {
        return e.alert_id() == a.id() && e.has_state_change() && e.state_change().to() != v1::ALERT_STATE_ACTIVE;
    };
    auto count_positions = [](const std::vector<v1::LiveFeedEvent>& events) {
        int n = 0;
        for (const auto& e : events) n += e.has_responder_position();
        return n;
    };
    const auto all = read_feed_until(*everything, closed_a);
    const auto filtered = read_feed_until(*only_a, closed_a);
    const auto without = read_feed_until(*no_positions, closed_a);
    EXPECT_EQ(count_positions(all), 1) << "the accepted responder's move";
    EXPECT_EQ(count_positions(filtered), 1);
    EXPECT_EQ(count_positions(without), 0) << "responderPositions=false";
    bool saw_b = false;
    for (const auto& e : all) saw_b |= e.alert_id() == b.id();
    EXPECT_TRUE(saw_b) << "an unfiltered feed sees every alert";
    for (const auto& e : filtered) EXPECT_EQ(e.alert_id(), a.id()) << "alertIds=" << a.id();
}

}  // namespace
}  // namespace yihu::testing
