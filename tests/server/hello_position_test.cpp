// A phone starting up inside a search area: its Hello carries a position inside an open alert. The alert must reach
// it once (one push, one seq), in both encodings.

#include "node_harness.h"

namespace yihu::testing {
namespace {

class HelloInsideAnAlert : public NodeTest, public ::testing::WithParamInterface<bool> {};

TEST_P(HelloInsideAnAlert, PushesTheAlertOnce) {
    const bool json = GetParam();
    const v1::Alert alert = create(R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.93,"longitude":113.89},)"
                                   R"("title":"Lost dog","area":{"circle":{"center":{"latitude":22.93,)"
                                   R"("longitude":113.89},"radiusM":500}}})");
    ASSERT_FALSE(alert.id().empty());

    Phone p(node_->port(), json);
    const v1::Welcome welcome = p.hello(volunteer_token("v-1"), near_lake(100, 45), /*last_seq=*/0);
    EXPECT_EQ(welcome.current_seq(), 0u);
    EXPECT_FALSE(welcome.recovered());

    // Everything the Hello caused is queued before the reply to a later request: read up to the Pong.
    v1::ClientMessage ping;
    ping.mutable_ping();
    auto pong = p.request(ping);
    ASSERT_TRUE(pong.has_value()) << "no Pong";
    ASSERT_TRUE(pong->has_pong()) << pong->DebugString();
    std::vector<std::uint64_t> alert_seqs;
    for (const auto& m : p.skipped) {
        if (m.has_alert()) {
            EXPECT_EQ(m.alert().alert_id(), alert.id());
            alert_seqs.push_back(m.alert().seq());
        }
    }
    EXPECT_EQ(alert_seqs, (std::vector<std::uint64_t>{1})) << "the alert once, as seq 1";

    // The next push continues from seq 2: no hidden second copy was sequenced.
    ASSERT_EQ(call("PATCH", "/v1/alerts/" + alert.id(), R"({"description":"brown, answers to Wangcai"})").status, 200u);
    auto update = p.next_of(v1::ServerMessage::kAlertUpdate);
    ASSERT_TRUE(update.has_value()) << "no update";
    EXPECT_EQ(update->alert_update().seq(), 2u);

    auto r = call("GET", "/v1/alerts/" + alert.id() + "/recipients");
    ASSERT_EQ(r.status, 200u) << r.body;
    v1::RecipientsResponse recipients;
    ASSERT_TRUE(api::parse_json(r.body, recipients).ok()) << r.body;
    EXPECT_EQ(recipients.recipients_size(), 1);
}

// A phone that was already a recipient and reconnects from a fresh install (lastSeq 0) inside the area gets the open
// alert again, once, with a new seq.
TEST_P(HelloInsideAnAlert, ReconnectFromScratchResendsOnce) {
    const bool json = GetParam();
    const v1::Alert alert = create(R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.93,"longitude":113.89},)"
                                   R"("title":"Lost dog","area":{"circle":{"center":{"latitude":22.93,)"
                                   R"("longitude":113.89},"radiusM":500}}})");
    {
        Phone first(node_->port(), json);
        first.hello(volunteer_token("v-1"), near_lake(100, 45));
        auto push = first.next_of(v1::ServerMessage::kAlert);
        ASSERT_TRUE(push.has_value());
        first.ack(push->alert().seq());
    }
    Phone p(node_->port(), json);
    const v1::Welcome welcome = p.hello(volunteer_token("v-1"), near_lake(120, 45), /*last_seq=*/0);
    EXPECT_FALSE(welcome.recovered());
    v1::ClientMessage ping;
    ping.mutable_ping();
    auto pong = p.request(ping);
    ASSERT_TRUE(pong.has_value()) << "no Pong";
    std::size_t alerts = 0;
    for (const auto& m : p.skipped) {
        if (m.has_alert()) {
            ++alerts;
            EXPECT_EQ(m.alert().alert_id(), alert.id());
            EXPECT_GT(m.alert().seq(), welcome.current_seq());
        }
    }
    EXPECT_EQ(alerts, 1u);
}

// A position's age counts from when the server received it: a phone whose clock is hours behind (observedAt long
// past) still matches.
TEST_P(HelloInsideAnAlert, PositionAgeCountsFromReceiptNotFromThePhonesClock) {
    const bool json = GetParam();
    const v1::Alert alert = create(R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.93,"longitude":113.89},)"
                                   R"("title":"Lost dog","area":{"circle":{"center":{"latitude":22.93,)"
                                   R"("longitude":113.89},"radiusM":500}}})");
    ASSERT_FALSE(alert.id().empty());
    Phone p(node_->port(), json);
    p.hello(volunteer_token("v-1"), std::nullopt);
    v1::ClientMessage m;
    auto* pos = m.mutable_position()->mutable_position();
    pos->mutable_location()->set_latitude(near_lake(100, 45).lat);
    pos->mutable_location()->set_longitude(near_lake(100, 45).lon);
    pos->set_accuracy_m(10);
    const auto two_hours_ago =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()) - 2h;
    pos->mutable_observed_at()->set_seconds(two_hours_ago.count());
    ASSERT_TRUE(is_ok(p.request(m)));
    auto push = p.next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push.has_value()) << "a position received now is fresh, whatever the phone's clock said";
    EXPECT_EQ(push->alert().alert_id(), alert.id());
}

INSTANTIATE_TEST_SUITE_P(Encodings, HelloInsideAnAlert, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "json" : "binary"; });

}  // namespace
}  // namespace yihu::testing
