// Every volunteer message type, in both encodings: binary protobuf frames and JSON text frames.

#include "node_harness.h"

namespace yihu::testing {
namespace {

class EveryMessageType : public NodeTest, public ::testing::WithParamInterface<bool> {};

TEST_P(EveryMessageType, RoundTrips) {
    const bool json = GetParam();
    auto p = phone("v-1", near_lake(200, 0), {"swimmer", "first_aid"}, json);

    v1::ClientMessage position;
    position.mutable_position()->mutable_position()->mutable_location()->set_latitude(near_lake(150, 0).lat);
    position.mutable_position()->mutable_position()->mutable_location()->set_longitude(near_lake(150, 0).lon);
    position.mutable_position()->mutable_position()->set_accuracy_m(5);
    ASSERT_TRUE(is_ok(p->request(position)));

    v1::ClientMessage availability;
    availability.mutable_availability()->set_availability(v1::AVAILABILITY_QUIET_HOURS);
    ASSERT_TRUE(is_ok(p->request(availability)));
    availability.mutable_availability()->set_availability(v1::AVAILABILITY_ON_DUTY);
    ASSERT_TRUE(is_ok(p->request(availability)));

    v1::ClientMessage skills;
    skills.mutable_skills()->add_skills("swimmer");
    ASSERT_TRUE(is_ok(p->request(skills)));

    const v1::Alert a = create(drowning_json(1));
    auto push = p->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push);
    EXPECT_EQ(push->alert().alert().title(), "Drowning at Songshan Lake");
    v1::ClientMessage ack;
    ack.mutable_ack()->set_seq(push->alert().seq());
    ASSERT_TRUE(is_ok(p->request(ack)));

    v1::ClientMessage respond;
    respond.mutable_respond()->set_alert_id(a.id());
    respond.mutable_respond()->set_kind(v1::RESPONSE_KIND_ACCEPT);
    auto accepted = p->request(respond);
    ASSERT_TRUE(accepted && accepted->has_ok());
    EXPECT_EQ(accepted->ok().role(), "rescue");
    respond.mutable_respond()->set_kind(v1::RESPONSE_KIND_ON_SCENE);
    ASSERT_TRUE(is_ok(p->request(respond)));

    v1::ClientMessage sighting;
    sighting.mutable_sighting()->set_alert_id(a.id());
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_latitude(kLake.lat);
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_longitude(kLake.lon);
    sighting.mutable_sighting()->set_text("in the water by the pier");
    sighting.mutable_sighting()->set_photo_url("https://example.org/p.jpg");
    auto seen = p->request(sighting);
    ASSERT_TRUE(seen && seen->has_ok());
    EXPECT_EQ(seen->ok().id(), "1");

    v1::ClientMessage ping;
    ping.mutable_ping()->mutable_sent_at()->set_seconds(42);
    auto pong = p->request(ping);
    ASSERT_TRUE(pong && pong->has_pong());
    EXPECT_GT(pong->pong().server_time().seconds(), 42);

    // Pushes of every kind in this encoding: update (the role), closed.
    ASSERT_EQ(call("POST", "/v1/alerts/" + a.id() + ":resolve", R"({"found":true})").status, 200u);
    auto closed = p->next_of(v1::ServerMessage::kAlertClosed);
    ASSERT_TRUE(closed);
    bool saw_update = false;
    for (const auto& m : p->skipped) saw_update |= m.has_alert_update() && m.alert_update().role() == "rescue";
    EXPECT_TRUE(saw_update) << "the accepted responder's role update";

    // A token refresh on the open session: same subject works, another subject is refused.
    v1::ClientMessage refresh;
    refresh.mutable_hello()->set_token(volunteer_token("v-1"));
    ASSERT_TRUE(is_ok(p->request(refresh)));
    refresh.mutable_hello()->set_token(volunteer_token("v-2"));
    auto refused = p->request(refresh);
    ASSERT_TRUE(refused && refused->has_error());
    EXPECT_EQ(refused->error().code(), v1::ERROR_CODE_FORBIDDEN_ROLE);
}

INSTANTIATE_TEST_SUITE_P(Encodings, EveryMessageType, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "json" : "binary"; });

}  // namespace
}  // namespace yihu::testing
