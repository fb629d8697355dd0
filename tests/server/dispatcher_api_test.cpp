// The dispatcher operations not covered by the story tests: listing, cancelling, devices, paging; and idle sockets.

#include "node_harness.h"

namespace yihu::testing {
namespace {

TEST_F(NodeTest, ListFiltersAndPagesNewestFirst) {
    const v1::Alert a = create(drowning_json());
    const v1::Alert b = create(
        R"({"kind":"ALERT_KIND_MISSING_CHILD","center":{"latitude":22.95,"longitude":113.8},"title":"Girl, 6, red coat"})");
    const v1::Alert c =
        create(R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.95,"longitude":113.8},"title":"Road closed"})");
    auto r = call("POST", "/v1/alerts/" + c.id() + ":cancel", R"({"reason":"raised in error"})");
    ASSERT_EQ(r.status, 200u) << r.body;
    v1::Alert cancelled;
    ASSERT_TRUE(api::parse_json(r.body, cancelled));
    EXPECT_EQ(cancelled.state(), v1::ALERT_STATE_CANCELLED);
    EXPECT_EQ(cancelled.closing_note(), "raised in error");

    v1::ListAlertsResponse list;
    ASSERT_TRUE(api::parse_json(call("GET", "/v1/alerts").body, list));
    ASSERT_EQ(list.alerts_size(), 3);
    EXPECT_EQ(list.alerts(0).alert().id(), c.id()) << "newest first";
    EXPECT_EQ(list.alerts(2).alert().id(), a.id());

    ASSERT_TRUE(api::parse_json(call("GET", "/v1/alerts?states=ALERT_STATE_ACTIVE").body, list));
    ASSERT_EQ(list.alerts_size(), 2);
    ASSERT_TRUE(api::parse_json(call("GET", "/v1/alerts?kinds=ALERT_KIND_MISSING_CHILD").body, list));
    ASSERT_EQ(list.alerts_size(), 1);
    EXPECT_EQ(list.alerts(0).alert().id(), b.id());

    ASSERT_TRUE(api::parse_json(call("GET", "/v1/alerts?pageSize=2").body, list));
    ASSERT_EQ(list.alerts_size(), 2);
    ASSERT_FALSE(list.next_page_token().empty());
    ASSERT_TRUE(api::parse_json(call("GET", "/v1/alerts?pageSize=2&pageToken=" + list.next_page_token()).body, list));
    ASSERT_EQ(list.alerts_size(), 1);
    EXPECT_EQ(list.alerts(0).alert().id(), a.id());
    EXPECT_TRUE(list.next_page_token().empty());

    EXPECT_EQ(call("GET", "/v1/alerts?pageSize=5000").status, 400u);
    EXPECT_EQ(call("GET", "/v1/alerts?states=SOMETHING").status, 400u);
}

TEST_F(NodeTest, DevicesRegisteredOverHttpSurviveARestart) {
    auto r = call(
        "PUT", "/v1/devices/hut-7",
        R"({"name":"Lake hut 7","position":{"location":{"latitude":22.93,"longitude":113.89}},"policy":{"alertKind":"ALERT_KIND_DROWNING","respondersWanted":2}})");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(call("PUT", "/v1/devices/hut-8", R"({"position":{"location":{"latitude":99,"longitude":0}}})").status,
              400u);
    restart();
    r = call("GET", "/v1/devices");
    ASSERT_EQ(r.status, 200u);
    EXPECT_NE(r.body.find("Lake hut 7"), std::string::npos) << r.body;
    auto p = phone("v-1", near_lake(200, 0));
    auto trigger = http_->request("POST", "/v1/devices/hut-7/trigger", "",
                                  mint(node_->token_secret(), api::Role::kDevice, "hut-7"));
    ASSERT_EQ(trigger.status, 201u) << trigger.body;
    v1::Alert a;
    ASSERT_TRUE(api::parse_json(trigger.body, a));
    EXPECT_EQ(a.responders_wanted(), 2u);
    EXPECT_TRUE(p->next_of(v1::ServerMessage::kAlert));
}

TEST_F(NodeTest, SilentSocketIsClosedAfterTheIdleTimeout) {
    restart([](ops::Config& c) {
        c.delivery.heartbeat_interval = std::chrono::milliseconds(500);
        c.delivery.idle_timeout = std::chrono::seconds(2);
    });
    auto p = phone("v-1", near_lake(200, 0));
    // The phone neither sends nor reads (so it never answers the server's pings): the server drops it after ~2 s.
    // Reading would answer the pings, so the test watches the server's count of connected volunteers instead.
    auto connected = [&] { return http_->request("GET", "/metrics").body.find("yihu_volunteers_connected 1"); };
    ASSERT_NE(connected(), std::string::npos) << "the phone counts as connected first";
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (connected() != std::string::npos && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_NE(http_->request("GET", "/metrics").body.find("yihu_volunteers_connected 0"), std::string::npos)
        << "not dropped within 20 s";
    // Now the phone reads: the server's close frame is there.
    for (int i = 0; i < 50 && !p->ws().closed(); ++i) p->ws().receive(std::chrono::milliseconds(100));
    EXPECT_TRUE(p->ws().closed());
}

}  // namespace
}  // namespace yihu::testing
