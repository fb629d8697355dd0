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

PushEnvelope alert_envelope(std::uint64_t seq, double distance, bool respond) {
    return PushEnvelope{.seq = seq, .distance_m = distance, .response_requested = respond};
}

// What the hub used to encode per recipient: the whole message in one piece.
v1::ServerMessage whole(v1::ServerMessage body, const PushEnvelope& envelope) {
    body.MergeFrom(envelope_message(body.body_case(), envelope));
    return body;
}

std::string json_for(const PushBody& body, const PushEnvelope& envelope) {
    return body.json_head(envelope) + *body.json_rest();
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
    int cases = 0;
    for (std::uint64_t seq : {1ull, 300ull, 1ull << 40}) {
        for (double distance : {0.0, 412.5, 1e7}) {  // a distance (haversine) is never negative
            const auto envelope = alert_envelope(seq, distance, seq != 300);
            expect_decodes_to(body.binary(envelope), json_for(body, envelope), whole(alert_body(), envelope));
            ++cases;
        }
    }
    EXPECT_EQ(cases, 9);
}

// The envelope is written by hand (no protobuf message per recipient): its fields must be what protobuf writes.
TEST(PushEncoding, TheHandWrittenEnvelopeIsProtobufsEncodingOfTheSameFields) {
    const PushEnvelope e{.seq = 70000, .distance_m = 412.5, .response_requested = true, .role = "cpr"};
    for (const auto kind : {v1::ServerMessage::kAlert, v1::ServerMessage::kAlertUpdate, v1::ServerMessage::kStandDown,
                            v1::ServerMessage::kAlertClosed}) {
        v1::ServerMessage body;
        body.MergeFrom(envelope_message(kind, PushEnvelope{}));  // the push kind set, no field in it
        const PushBody shared(body);
        ASSERT_EQ(shared.shared()->size(), 0u);
        EXPECT_EQ(shared.binary(e), envelope_message(kind, e).SerializeAsString()) << kind;
    }
}

TEST(PushEncoding, TheSharedBodyIsEncodedOnceAndTheEnvelopeIsSmall) {
    const PushBody body(alert_body());
    const std::string a = body.binary(alert_envelope(1, 10, true));
    const std::string b = body.binary(alert_envelope(2, 20, false));
    const std::string& shared = *body.shared();
    // Both end in the very same body bytes; only the few bytes in front differ.
    ASSERT_GT(a.size(), shared.size());
    EXPECT_EQ(a.substr(a.size() - shared.size()), shared);
    EXPECT_EQ(b.substr(b.size() - shared.size()), shared);
    EXPECT_LT(a.size() - shared.size(), 24u);
    EXPECT_EQ(body.json_rest().get(), body.json_rest().get());  // produced once, then kept
}

// A connection writes the frame's head (made on its strand) and then the shared bytes themselves, not a copy.
TEST(PushEncoding, AFrameIsASmallHeadInFrontOfTheSharedBodyInEitherEncoding) {
    const auto body = std::make_shared<const PushBody>(alert_body());
    const PushEnvelope envelope = alert_envelope(42, 99.5, true);
    const auto push = std::make_shared<const PushFrame>(body, envelope);

    const net::Frame binary = PushFrame::frame(push, true);
    EXPECT_TRUE(binary.binary);
    EXPECT_EQ(binary.data.get(), body->shared().get());
    ASSERT_TRUE(binary.head);
    const std::string binary_head = binary.head->bytes(true);
    EXPECT_LE(binary_head.size(), binary.head->size_hint());
    EXPECT_EQ(binary.assemble(), push->binary());

    const net::Frame json = PushFrame::frame(push, false);
    EXPECT_FALSE(json.binary);
    EXPECT_EQ(json.data.get(), body->json_rest().get());
    ASSERT_TRUE(json.head);
    expect_decodes_to(push->binary(), json.assemble(), whole(alert_body(), envelope));
    EXPECT_EQ(json.assemble(), json.assemble());  // a retry writes the same bytes
}

TEST(PushEncoding, AStoredPushIsWrittenAsStoredOrConvertedToJson) {
    const auto body = std::make_shared<const PushBody>(alert_body());
    const auto stored = std::make_shared<const std::string>(body->binary(alert_envelope(5, 12, false)));
    const auto push = std::make_shared<const PushFrame>(stored);
    EXPECT_EQ(push->binary(), *stored);
    const net::Frame binary = PushFrame::frame(push, true);
    EXPECT_EQ(binary.data.get(), stored.get());
    EXPECT_FALSE(binary.head);
    const net::Frame json = PushFrame::frame(push, false);
    expect_decodes_to(*stored, json.assemble(), whole(alert_body(), alert_envelope(5, 12, false)));
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
    const std::string bytes = body.binary(alert_envelope(7, 55, true));
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
    const PushEnvelope update_env{.seq = 9, .distance_m = 80, .role = "cpr"};

    v1::ServerMessage stand_down;
    stand_down.mutable_stand_down()->set_alert_id("dongguan-7");
    stand_down.mutable_stand_down()->set_alert_version(5);
    stand_down.mutable_stand_down()->set_reason("Enough responders are on the way. Thank you!");
    const PushEnvelope stand_down_env{.seq = 10};

    v1::ServerMessage closed;
    closed.mutable_alert_closed()->set_alert_id("dongguan-7");
    closed.mutable_alert_closed()->set_alert_version(6);
    closed.mutable_alert_closed()->set_final_state(v1::ALERT_STATE_RESOLVED);
    closed.mutable_alert_closed()->set_message("Rescued. Thank you all.");
    const PushEnvelope closed_env{.seq = 11};

    int kinds = 0;
    for (const auto& [b, env] :
         {std::pair{update, update_env}, std::pair{stand_down, stand_down_env}, std::pair{closed, closed_env}}) {
        const PushBody body(b);
        const std::string binary = body.binary(env);
        expect_decodes_to(binary, json_for(body, env), whole(b, env));
        // What the store holds (the binary) converts to the same JSON message for a phone that resumes over JSON.
        v1::ServerMessage converted;
        ASSERT_TRUE(parse_json(push_json_from_binary(binary), converted));
        EXPECT_TRUE(MessageDifferencer::Equals(converted, whole(b, env)));
        ++kinds;
    }
    EXPECT_EQ(kinds, 3);
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
