// Pushes as bytes: one alert reaches binary and JSON phones as the same message (the shared body encoded once, each
// phone's envelope in front), and a retry is the very same bytes as the first write, in both encodings.

#include <google/protobuf/util/message_differencer.h>

#include "node_harness.h"

namespace yihu::testing {
namespace {

struct RawPush {
    std::string bytes;
    v1::ServerMessage message;
};

// The next alert push, raw and decoded by the real decoder of the phone's encoding.
std::optional<RawPush> next_alert_push(Phone& p, bool json, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto r = p.ws().receive(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
        if (!r) return std::nullopt;
        RawPush push{r->data, {}};
        EXPECT_EQ(r->binary, !json);
        if (json) {
            EXPECT_TRUE(api::parse_json(r->data, push.message)) << r->data;
        } else {
            EXPECT_TRUE(push.message.ParseFromString(r->data));
        }
        if (push.message.has_alert()) return push;
    }
    return std::nullopt;
}

// The push without what differs per recipient.
v1::ServerMessage shared_part(v1::ServerMessage m) {
    m.mutable_alert()->clear_seq();
    m.mutable_alert()->clear_distance_m();
    m.mutable_alert()->clear_response_requested();
    return m;
}

TEST_F(NodeTest, BinaryAndJsonPhonesGetTheSameAlertAndRetriesAreTheSameBytes) {
    auto binary = phone("v-bin", near_lake(150, 0));
    auto json = phone("v-json", near_lake(400, 90), {"swimmer"}, true);
    auto json_far = phone("v-json-far", near_lake(900, 180), {"swimmer"}, true);
    const v1::Alert alert = create(drowning_json(1));

    auto b = next_alert_push(*binary, false, 3s);
    auto j = next_alert_push(*json, true, 3s);
    auto f = next_alert_push(*json_far, true, 3s);
    ASSERT_TRUE(b && j && f) << "every phone gets the alert";
    for (const RawPush* p : {&*b, &*j, &*f}) {
        EXPECT_EQ(p->message.alert().alert_id(), alert.id());
        EXPECT_EQ(p->message.alert().seq(), 1u);
        EXPECT_EQ(p->message.alert().alert().title(), "Drowning at Songshan Lake");
        EXPECT_TRUE(
            google::protobuf::util::MessageDifferencer::Equals(shared_part(p->message), shared_part(b->message)))
            << p->message.DebugString();
    }
    // Each phone's own distance travels in its envelope.
    EXPECT_LT(b->message.alert().distance_m(), j->message.alert().distance_m());
    EXPECT_LT(j->message.alert().distance_m(), f->message.alert().distance_m());

    // No ack: after ack_timeout each phone gets the same push again, byte for byte.
    auto b2 = next_alert_push(*binary, false, 3s);
    auto j2 = next_alert_push(*json, true, 3s);
    ASSERT_TRUE(b2 && j2) << "not retried";
    EXPECT_EQ(b2->bytes, b->bytes);
    EXPECT_EQ(j2->bytes, j->bytes);
}

TEST_F(NodeTest, AJsonPhoneResumingGetsTheStoredPushAsJson) {
    auto first = std::make_unique<Phone>(node_->port(), true);
    const v1::Welcome welcome = first->hello(volunteer_token("v-json"), near_lake(200, 0));
    create(drowning_json(1));
    auto live = next_alert_push(*first, true, 3s);
    ASSERT_TRUE(live);
    first->ack(live->message.alert().seq());
    first.reset();  // offline: the next push waits in the store, as protobuf

    const v1::Alert second = create(drowning_json(1));
    auto again = std::make_unique<Phone>(node_->port(), true);
    const v1::Welcome w = again->hello(volunteer_token("v-json"), near_lake(200, 0), 1, welcome.epoch());
    EXPECT_TRUE(w.recovered());
    auto replayed = next_alert_push(*again, true, 3s);
    ASSERT_TRUE(replayed) << "the missed push is replayed";
    EXPECT_EQ(replayed->message.alert().alert_id(), second.id());
    EXPECT_EQ(replayed->message.alert().seq(), 2u);
    EXPECT_EQ(replayed->message.alert().alert().title(), "Drowning at Songshan Lake");
    // Unacknowledged, the replayed push is retried as the same JSON bytes.
    auto retried = next_alert_push(*again, true, 3s);
    ASSERT_TRUE(retried) << "not retried";
    EXPECT_EQ(retried->bytes, replayed->bytes);
}

}  // namespace
}  // namespace yihu::testing
