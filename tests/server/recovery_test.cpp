// Sequenced delivery: acks, retries, resume after a reconnect, and a restart of the node itself.

#include "node_harness.h"

namespace yihu::testing {
namespace {

TEST_F(NodeTest, ReconnectingPhoneGetsWhatItMissedInOrderThenLivePushes) {
    const auto at = near_lake(300, 10);
    auto p = phone("v-1", at);
    const v1::Alert a = create(drowning_json(1));
    auto push = p->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push);
    ASSERT_EQ(push->alert().seq(), 1u);
    p->ack(1);
    const std::string epoch = [&] {
        // The Welcome of this session named the epoch; a second phone object re-reads it below.
        auto probe = std::make_unique<Phone>(node_->port(), false);
        return probe->hello(volunteer_token("v-probe"), std::nullopt).epoch();
    }();
    p->ws().abort();  // the phone loses its connection
    p.reset();

    // While it is away: two updates and a stand-down-free close would be too much; one update and one more update.
    ASSERT_EQ(call("PATCH", "/v1/alerts/" + a.id(), R"({"description":"near the boat house"})").status, 200u);
    ASSERT_EQ(call("PATCH", "/v1/alerts/" + a.id(), R"({"description":"at the boat house"})").status, 200u);

    auto back = std::make_unique<Phone>(node_->port(), true);  // reconnects speaking JSON this time
    const v1::Welcome w = back->hello(volunteer_token("v-1"), at, 1, epoch);
    EXPECT_TRUE(w.recovered());
    EXPECT_EQ(w.current_seq(), 3u);
    // The first update was superseded by the second inside the replay: only the latest one still matters.
    auto replayed = back->next();
    ASSERT_TRUE(replayed && replayed->has_alert_update()) << (replayed ? replayed->DebugString() : "none");
    EXPECT_EQ(replayed->alert_update().seq(), 3u);
    EXPECT_EQ(replayed->alert_update().alert().description(), "at the boat house");
    back->ack(3);

    // Then live pushes continue the sequence.
    ASSERT_EQ(call("POST", "/v1/alerts/" + a.id() + ":resolve", R"({"found":true})").status, 200u);
    auto closed = back->next_of(v1::ServerMessage::kAlertClosed);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->alert_closed().seq(), 4u);
}

TEST_F(NodeTest, FreshInstallOrWrongEpochGetsTheCurrentStateNotAReplay) {
    const auto at = near_lake(300, 10);
    auto p = phone("v-1", at);
    const v1::Alert a = create(drowning_json(1));
    ASSERT_TRUE(p->next_of(v1::ServerMessage::kAlert));
    p->ws().abort();
    p.reset();

    auto again = std::make_unique<Phone>(node_->port(), false);
    const v1::Welcome w = again->hello(volunteer_token("v-1"), at, 1, "some-other-epoch");
    EXPECT_FALSE(w.recovered());
    auto push = again->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push) << "the still-active alert is pushed again";
    EXPECT_EQ(push->alert().alert_id(), a.id());
    EXPECT_GT(push->alert().seq(), w.current_seq());
}

TEST_F(NodeTest, UnacknowledgedPushIsRetriedWithTheSameSeq) {
    auto p = phone("v-1", near_lake(200, 0));
    create(drowning_json(1));
    auto first = p->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(first);
    // No ack: after ack_timeout (700 ms in tests) the same push comes again.
    auto again = p->next_of(v1::ServerMessage::kAlert, 3s);
    ASSERT_TRUE(again) << "not retried";
    EXPECT_EQ(again->alert().seq(), first->alert().seq());
    p->ack(again->alert().seq());
    EXPECT_FALSE(p->next_of(v1::ServerMessage::kAlert, 1500ms)) << "an acknowledged push is not retried";
    // Acking beyond what was sent is an error that leaves the session open.
    v1::ClientMessage bad;
    bad.mutable_ack()->set_seq(99);
    auto err = p->request(bad);
    ASSERT_TRUE(err && err->has_error());
    EXPECT_EQ(err->error().code(), v1::ERROR_CODE_INVALID_ARGUMENT);
    EXPECT_FALSE(p->ws().closed());
}

// After max_retries unacknowledged writes the server closes the session with 1008 "ack timeout" (docs/api.md), and
// the phone's resume brings the push back with its seq.
TEST_F(NodeTest, NeverAcknowledgedPushEndsTheSessionWith1008AndWaitsForResume) {
    auto p = std::make_unique<Phone>(node_->port(), false);
    const v1::Welcome welcome = p->hello(volunteer_token("v-1"), near_lake(200, 0));
    // A first push, acknowledged: seq 1 is what the phone will resume from.
    create(R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.93,"longitude":113.89},"title":"Lost dog"})");
    auto first = p->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(first.has_value());
    v1::ClientMessage ack;
    ack.mutable_ack()->set_seq(first->alert().seq());
    ASSERT_TRUE(is_ok(p->request(ack)));
    create(drowning_json(1));
    std::optional<std::uint64_t> seq;
    // Read (never ack) until the server closes: 1 write + 3 retries at 700 ms, so well within 20 s.
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!p->ws().closed() && std::chrono::steady_clock::now() < deadline) {
        if (auto m = p->next(500ms); m && m->has_alert()) seq = m->alert().seq();
    }
    ASSERT_TRUE(p->ws().closed()) << "never closed";
    ASSERT_TRUE(seq.has_value()) << "no push came";
    ASSERT_EQ(*seq, first->alert().seq() + 1);
    EXPECT_EQ(p->ws().close_code(), 1008);
    EXPECT_EQ(p->ws().close_reason(), "ack timeout");

    Phone back(node_->port(), false);
    const v1::Welcome w = back.hello(volunteer_token("v-1"), std::nullopt, first->alert().seq(), welcome.epoch());
    EXPECT_TRUE(w.recovered());
    auto again = back.next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->alert().seq(), *seq);
}

TEST_F(NodeTest, RestartKeepsAlertsDeliveriesAndTheAuditTrail) {
    const auto at = near_lake(250, 20);
    auto p = phone("v-1", at);
    const v1::Alert a = create(drowning_json(2));
    auto push = p->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push);
    p->ack(push->alert().seq());
    auto accepted = p->respond(a.id(), v1::RESPONSE_KIND_ACCEPT);
    ASSERT_TRUE(accepted && accepted->has_ok());
    // Accepting hands out a role, which comes as an update of the alert.
    auto role = p->next_of(v1::ServerMessage::kAlertUpdate);
    ASSERT_TRUE(role);
    EXPECT_EQ(role->alert_update().role(), "rescue");
    const std::uint64_t last_seen = role->alert_update().seq();
    p->ack(last_seen);
    const std::string epoch = [&] {
        auto probe = std::make_unique<Phone>(node_->port(), false);
        return probe->hello(volunteer_token("v-probe"), std::nullopt).epoch();
    }();
    auto before = call("GET", "/v1/alerts/" + a.id() + "/audit?pageSize=200");
    p.reset();

    restart();

    auto r = call("GET", "/v1/alerts/" + a.id());
    ASSERT_EQ(r.status, 200u) << r.body;
    v1::AlertDetail detail;
    ASSERT_TRUE(api::parse_json(r.body, detail));
    EXPECT_EQ(detail.alert().state(), v1::ALERT_STATE_ACTIVE);
    EXPECT_EQ(detail.counts().notified(), 1u);
    EXPECT_EQ(detail.counts().accepted(), 1u);
    EXPECT_EQ(detail.counts().acked(), 1u);
    EXPECT_EQ(call("GET", "/v1/alerts/" + a.id() + "/audit?pageSize=200").body, before.body);

    // The phone resumes on the new process: same epoch, nothing missed, then the close notice arrives live.
    auto back = std::make_unique<Phone>(node_->port(), false);
    const v1::Welcome w = back->hello(volunteer_token("v-1"), at, last_seen, epoch);
    EXPECT_EQ(w.epoch(), epoch);
    EXPECT_TRUE(w.recovered());
    EXPECT_EQ(w.current_seq(), last_seen);
    ASSERT_EQ(call("POST", "/v1/alerts/" + a.id() + ":resolve", R"({"found":true,"message":"safe"})").status, 200u);
    auto closed = back->next_of(v1::ServerMessage::kAlertClosed);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->alert_closed().seq(), last_seen + 1);

    // Alert numbering continues; ids are never reused.
    const v1::Alert next = create(drowning_json(1));
    EXPECT_NE(next.id(), a.id());
}

TEST_F(NodeTest, PushesToAnOfflineVolunteerWaitSurviveARestartAndArriveOnResume) {
    const auto at = near_lake(250, 20);
    auto p = std::make_unique<Phone>(node_->port(), false);
    const v1::Welcome first = p->hello(volunteer_token("v-1"), at);
    const std::string epoch = first.epoch();
    ASSERT_FALSE(epoch.empty());
    // A first alert, received and acknowledged: the phone has seen seq 1.
    const v1::Alert seen =
        create(R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.93,"longitude":113.89},)"
               R"("title":"Lost dog","area":{"circle":{"center":{"latitude":22.93,"longitude":113.89},)"
               R"("radiusM":1000}}})");
    auto push = p->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push.has_value());
    ASSERT_EQ(push->alert().seq(), 1u);
    v1::ClientMessage ack;
    ack.mutable_ack()->set_seq(1);
    ASSERT_TRUE(is_ok(p->request(ack)));
    p->ws().abort();
    p.reset();
    // The phone is offline; its last position is still fresh, so the drowning is sequenced for it (seq 2) and
    // must wait in the store across the restart.
    const v1::Alert missed = create(drowning_json(1));
    restart();

    // Resume from what it acknowledged, with no position: only the stored push can bring the drowning back.
    Phone back(node_->port(), false);
    const v1::Welcome w = back.hello(volunteer_token("v-1"), std::nullopt, /*last_seq=*/1, epoch);
    EXPECT_EQ(w.epoch(), epoch);
    EXPECT_TRUE(w.recovered());
    EXPECT_EQ(w.current_seq(), 2u);
    auto replayed = back.next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(replayed.has_value()) << "the stored push was lost";
    EXPECT_EQ(replayed->alert().alert_id(), missed.id());
    EXPECT_EQ(replayed->alert().seq(), 2u) << "replayed with its original seq";
    for (const auto& m : back.skipped) {
        EXPECT_FALSE(m.has_alert() && m.alert().alert_id() == seen.id()) << "the acknowledged alert came again";
    }
}

}  // namespace
}  // namespace yihu::testing
