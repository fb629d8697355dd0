// A neighbour's counts on the origin's live feed (docs/federation.md, "At the origin"): each count report a peer
// sends back is published as a `peerCounts` event to the dispatchers following the alert, with the same figures the
// alert's detail shows.

#include "federation_harness.h"

namespace yihu::testing {
namespace {

const core::geo::LatLng kBorder{36.50, 117.20};
const core::geo::LatLng kJinanVolunteer{36.55, 117.15};

TEST_F(FederationTest, FederationPeerCountsReachTheOriginsLiveFeed) {
    ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan"}, {{"laiwu", "jinan"}}));
    City& laiwu = city("laiwu");
    auto feed = client::WsClient::connect("127.0.0.1", laiwu.port, "/v1/feed?access_token=" + laiwu.dispatcher);
    const auto registered = std::chrono::steady_clock::now() + 10s;
    while (laiwu.http->request("GET", "/metrics").body.find("yihu_feeds_connected 1\n") == std::string::npos) {
        ASSERT_LT(std::chrono::steady_clock::now(), registered) << "the feed was never registered";
        std::this_thread::sleep_for(20ms);
    }
    auto volunteer = city("jinan").phone("jn-1", kJinanVolunteer);
    const v1::Alert a = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 25'000));
    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 10s);
    ASSERT_TRUE(push.has_value());
    volunteer->ack(push->alert().seq());
    ASSERT_TRUE(is_ok(volunteer->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)));

    // Reports come as Jinan's counts change (notified, then accepted); wait for the one with the accept.
    std::optional<v1::PeerCounts> accepted;
    int reports = 0;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!accepted && std::chrono::steady_clock::now() < deadline) {
        auto f = feed->receive(1s);
        if (!f) continue;
        v1::LiveFeedEvent e;
        ASSERT_TRUE(api::parse_json(f->data, e).ok()) << f->data;
        if (!e.has_peer_counts()) continue;
        ++reports;
        EXPECT_EQ(e.alert_id(), a.id());
        EXPECT_EQ(e.peer_counts().city(), "jinan");
        EXPECT_TRUE(e.peer_counts().has_as_of());
        // The feed's JSON names the event peerCounts (the console reads that name).
        EXPECT_NE(f->data.find("\"peerCounts\""), std::string::npos) << f->data;
        if (e.peer_counts().counts().accepted() == 1) accepted = e.peer_counts();
    }
    ASSERT_TRUE(accepted.has_value()) << "no peerCounts event with Jinan's accept (" << reports << " reports)";
    EXPECT_EQ(accepted->counts().notified(), 1u);
    // The detail agrees with the last event.
    auto detail = laiwu.wait_for(a.id(), [](const v1::AlertDetail& d) { return d.peer_counts().contains("jinan"); });
    ASSERT_TRUE(detail.has_value());
    EXPECT_EQ(detail->peer_counts().at("jinan").accepted(), 1u);
}

}  // namespace
}  // namespace yihu::testing
