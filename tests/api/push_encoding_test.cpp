#include "api/delivery/push_encoding.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "api/codec/json_codec.h"

namespace yihu::api {
namespace {

using google::protobuf::util::MessageDifferencer;

v1::ServerMessage alert_body() {
    v1::ServerMessage m;
    auto* p = m.mutable_alert();
    p->set_alert_id("dongguan-7");
    p->set_alert_version(3);
    p->mutable_alert()->set_id("dongguan-7");
    p->mutable_alert()->set_title("Drowning at Songshan Lake \"east\" \u6e56");
    p->mutable_alert()->set_current_radius_m(1500);
    p->mutable_alert()->mutable_center()->set_latitude(22.93);
    p->mutable_alert()->mutable_center()->set_longitude(113.89);
    p->add_roles("cpr");
    p->add_roles("fetch_aed");
    return m;
}

v1::ServerMessage alert_envelope(std::uint64_t seq, double distance, bool respond) {
    v1::ServerMessage m;
    m.mutable_alert()->set_distance_m(distance);
    m.mutable_alert()->set_response_requested(respond);
    set_push_seq(m, seq);
    return m;
}

// What the hub used to encode per recipient: the whole message in one piece.
v1::ServerMessage whole(v1::ServerMessage body, const v1::ServerMessage& envelope) {
    body.MergeFrom(envelope);
    return body;
}

void expect_decodes_to(const std::string& binary, const std::string& json, const v1::ServerMessage& expected) {
    v1::ServerMessage from_binary;
    ASSERT_TRUE(from_binary.ParseFromString(binary));
    EXPECT_TRUE(MessageDifferencer::Equals(from_binary, expected)) << from_binary.DebugString();
    v1::ServerMessage from_json;
    ASSERT_TRUE(parse_json(json, from_json)) << json;
    EXPECT_TRUE(MessageDifferencer::Equals(from_json, expected)) << json;
}

TEST(PushEncoding, EnvelopePlusSharedBodyDecodesToTheWholePushInBothEncodings) {
    const PushBody body(alert_body());
    for (std::uint64_t seq : {1ull, 300ull, 1ull << 40}) {
        const auto envelope = alert_envelope(seq, 412.5, seq != 300);
        expect_decodes_to(body.binary_for(envelope), body.json_for(envelope), whole(alert_body(), envelope));
    }
}

TEST(PushEncoding, TheSharedBodyIsEncodedOnceAndTheEnvelopeIsSmall) {
    const PushBody body(alert_body());
    const std::string a = body.binary_for(alert_envelope(1, 10, true));
    const std::string b = body.binary_for(alert_envelope(2, 20, false));
    // Both end in the very same body bytes; only the few bytes in front differ.
    ASSERT_GT(a.size(), body.shared().size());
    EXPECT_EQ(a.substr(a.size() - body.shared().size()), body.shared());
    EXPECT_EQ(b.substr(b.size() - body.shared().size()), body.shared());
    EXPECT_LT(a.size() - body.shared().size(), 24u);
    EXPECT_EQ(&body.json(), &body.json());  // produced once, then kept
}

// The top-level field numbers of a serialized ServerMessage, in order (each length-delimited field skipped whole).
std::vector<int> top_level_fields(const std::string& bytes) {
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                              static_cast<int>(bytes.size()));
    std::vector<int> fields;
    while (const std::uint32_t tag = in.ReadTag()) {
        fields.push_back(static_cast<int>(tag >> 3));
        std::uint32_t length = 0;
        if ((tag & 7) != 2 || !in.ReadVarint32(&length) || !in.Skip(static_cast<int>(length))) {
            ADD_FAILURE() << "unexpected wire type or truncated field " << (tag >> 3);
            break;
        }
    }
    return fields;
}

// Decoders that replace a repeated embedded message instead of merging it (protobuf.js) must see the push whole:
// one occurrence of the push field, holding the envelope's fields and the body's.
TEST(PushEncoding, ThePushIsOneEmbeddedMessageNotTwoToMerge) {
    const PushBody body(alert_body());
    const std::string bytes = body.binary_for(alert_envelope(7, 55, true));
    EXPECT_EQ(top_level_fields(bytes), std::vector<int>{v1::ServerMessage::kAlertFieldNumber});
    v1::AlertPush only_last;  // what a replacing decoder keeps: the last occurrence alone
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                              static_cast<int>(bytes.size()));
    ASSERT_NE(in.ReadTag(), 0u);
    std::uint32_t length = 0;
    ASSERT_TRUE(in.ReadVarint32(&length));
    std::string inner;
    ASSERT_TRUE(in.ReadString(&inner, static_cast<int>(length)));
    ASSERT_TRUE(only_last.ParseFromString(inner));
    EXPECT_EQ(only_last.seq(), 7u);
    EXPECT_EQ(only_last.distance_m(), 55);
    EXPECT_EQ(only_last.alert_id(), "dongguan-7");
}

TEST(PushEncoding, EveryPushKindRoundTrips) {
    v1::ServerMessage update;
    update.mutable_alert_update()->set_alert_id("dongguan-7");
    update.mutable_alert_update()->set_alert_version(4);
    update.mutable_alert_update()->mutable_alert()->set_title("Now at the north shore");
    v1::ServerMessage update_env;
    update_env.mutable_alert_update()->set_distance_m(80);
    update_env.mutable_alert_update()->set_role("cpr");
    set_push_seq(update_env, 9);

    v1::ServerMessage stand_down;
    stand_down.mutable_stand_down()->set_alert_id("dongguan-7");
    stand_down.mutable_stand_down()->set_alert_version(5);
    stand_down.mutable_stand_down()->set_reason("Enough responders are on the way. Thank you!");
    v1::ServerMessage stand_down_env;
    stand_down_env.mutable_stand_down();
    set_push_seq(stand_down_env, 10);

    v1::ServerMessage closed;
    closed.mutable_alert_closed()->set_alert_id("dongguan-7");
    closed.mutable_alert_closed()->set_alert_version(6);
    closed.mutable_alert_closed()->set_final_state(v1::ALERT_STATE_RESOLVED);
    closed.mutable_alert_closed()->set_message("Rescued. Thank you all.");
    v1::ServerMessage closed_env;
    closed_env.mutable_alert_closed();
    set_push_seq(closed_env, 11);

    for (const auto& [b, env] :
         {std::pair{update, update_env}, std::pair{stand_down, stand_down_env}, std::pair{closed, closed_env}}) {
        const PushBody body(b);
        const std::string binary = body.binary_for(env);
        const std::string json = body.json_for(env);
        expect_decodes_to(binary, json, whole(b, env));
        // What the store holds (the binary) converts to the same JSON message for a phone that resumes over JSON.
        v1::ServerMessage converted;
        ASSERT_TRUE(parse_json(push_json_from_binary(binary), converted));
        EXPECT_TRUE(MessageDifferencer::Equals(converted, whole(b, env)));
    }
}

TEST(PushEncoding, SetPushSeqLeavesOtherMessagesAlone) {
    v1::ServerMessage ok;
    ok.mutable_ok();
    set_push_seq(ok, 5);
    EXPECT_TRUE(ok.has_ok());
    v1::ServerMessage alert;
    alert.mutable_alert();
    set_push_seq(alert, 5);
    EXPECT_EQ(alert.alert().seq(), 5u);
}

}  // namespace
}  // namespace yihu::api
