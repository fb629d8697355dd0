// End to end over real sockets: phones on the volunteer WebSocket (both encodings), a dispatcher over HTTP and the
// live feed, through a whole drowning alert.

#include <set>

#include "node_harness.h"

namespace yihu::testing {
namespace {

TEST_F(NodeTest, DrowningNineAlertedThreeAcceptSixStandDownAllNineClosed) {
    auto feed = client::WsClient::connect("127.0.0.1", node_->port(),
                                          "/v1/feed?responderPositions=true&access_token=" + dispatcher_);
    // Twelve swimmers 150 m apart around the lake, half speaking JSON; two without the skill right by the water.
    std::vector<std::unique_ptr<Phone>> phones;
    for (int i = 1; i <= 12; ++i) {
        phones.push_back(phone("v-" + std::to_string(i), near_lake(120.0 * i, 30.0 * i), {"swimmer"}, i % 2 == 0));
    }
    auto dry1 = phone("v-dry1", near_lake(20, 0), {"first_aid"});
    auto dry2 = phone("v-dry2", near_lake(30, 90), {});

    const v1::Alert alert = create(drowning_json(3));
    EXPECT_EQ(alert.state(), v1::ALERT_STATE_ACTIVE);
    EXPECT_EQ(alert.kind(), v1::ALERT_KIND_DROWNING);

    // The nine nearest swimmers get it within moments; the rest and the non-swimmers do not.
    std::vector<int> alerted;
    for (int i = 0; i < 12; ++i) {
        auto push = phones[i]->next_of(v1::ServerMessage::kAlert, i < 9 ? 3s : 300ms);
        if (!push) continue;
        alerted.push_back(i + 1);
        EXPECT_EQ(push->alert().alert_id(), alert.id());
        EXPECT_EQ(push->alert().seq(), 1u);
        EXPECT_TRUE(push->alert().response_requested());
        EXPECT_TRUE(push->alert().alert().created_by().empty()) << "volunteers see a redacted alert";
        EXPECT_NEAR(push->alert().distance_m(), 120.0 * (i + 1), 1.0);
        phones[i]->ack(push->alert().seq());
    }
    EXPECT_EQ(alerted, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_FALSE(dry1->next_of(v1::ServerMessage::kAlert, 200ms));
    EXPECT_FALSE(dry2->next_of(v1::ServerMessage::kAlert, 200ms));

    // Three accept and get the drowning roles in order; a volunteer who was not alerted cannot answer.
    const std::vector<std::string> roles = {"rescue", "fetch_equipment", "coordinate"};
    for (int k = 0; k < 3; ++k) {
        auto reply = phones[2 * k]->respond(alert.id(), v1::RESPONSE_KIND_ACCEPT);
        ASSERT_TRUE(reply);
        ASSERT_TRUE(reply->has_ok()) << reply->DebugString();
        EXPECT_EQ(reply->ok().role(), roles[k]);
    }
    auto refused = phones[10]->respond(alert.id(), v1::RESPONSE_KIND_ACCEPT);
    ASSERT_TRUE(refused && refused->has_error());
    EXPECT_EQ(refused->error().code(), v1::ERROR_CODE_FORBIDDEN_ROLE);

    // The other six are stood down.
    for (int i : {1, 3, 5, 6, 7, 8}) {
        auto down = phones[i]->next_of(v1::ServerMessage::kStandDown);
        ASSERT_TRUE(down) << "v-" << i + 1 << " was not stood down";
        EXPECT_EQ(down->stand_down().alert_id(), alert.id());
        phones[i]->ack(down->stand_down().seq());
    }

    // The dispatcher sees nine recipients, three accepted with roles, six stood down.
    auto r = call("GET", "/v1/alerts/" + alert.id() + "/recipients");
    ASSERT_EQ(r.status, 200u) << r.body;
    v1::RecipientsResponse recipients;
    ASSERT_TRUE(api::parse_json(r.body, recipients));
    EXPECT_EQ(recipients.recipients_size(), 9);
    int accepted = 0, stood_down = 0;
    for (const auto& rec : recipients.recipients()) {
        accepted += rec.response() == v1::RESPONSE_KIND_ACCEPT;
        stood_down += rec.stood_down();
        EXPECT_TRUE(rec.has_delivered_at()) << rec.volunteer_id();
    }
    EXPECT_EQ(accepted, 3);
    EXPECT_EQ(stood_down, 6);
    r = call("GET", "/v1/alerts/" + alert.id() + "/responses");
    v1::ResponsesResponse responses;
    ASSERT_TRUE(api::parse_json(r.body, responses));
    EXPECT_EQ(responses.responses_size(), 3);

    // An accepted responder's move reaches the feed; a position never reaches it for anyone else.
    v1::ClientMessage move;
    move.mutable_position()->mutable_position()->mutable_location()->set_latitude(kLake.lat);
    move.mutable_position()->mutable_position()->mutable_location()->set_longitude(kLake.lon);
    ASSERT_TRUE(is_ok(phones[0]->request(move)));

    // Resolved: all nine get exactly one close notice.
    r = call("POST", "/v1/alerts/" + alert.id() + ":resolve", R"({"found":true,"message":"Rescued. Thank you all."})");
    ASSERT_EQ(r.status, 200u) << r.body;
    for (int i = 0; i < 9; ++i) {
        auto closed = phones[i]->next_of(v1::ServerMessage::kAlertClosed);
        ASSERT_TRUE(closed) << "v-" << i + 1;
        EXPECT_EQ(closed->alert_closed().final_state(), v1::ALERT_STATE_RESOLVED_FOUND);
        EXPECT_EQ(closed->alert_closed().message(), "Rescued. Thank you all.");
        EXPECT_FALSE(phones[i]->next_of(v1::ServerMessage::kAlertClosed, 150ms)) << "one close notice only";
    }
    for (int i = 9; i < 12; ++i) EXPECT_FALSE(phones[i]->next_of(v1::ServerMessage::kAlertClosed, 100ms));

    // Closed means closed.
    r = call("POST", "/v1/alerts/" + alert.id() + ":cancel", "{}");
    EXPECT_EQ(r.status, 409u);
    EXPECT_NE(r.body.find("ERROR_CODE_ALERT_CLOSED"), std::string::npos) << r.body;

    // The feed saw the story: created, deliveries, responses, a responder position, the close.
    std::set<std::string> kinds;
    for (int i = 0; i < 200; ++i) {
        auto f = feed->receive(i == 0 ? 2s : 300ms);
        if (!f) break;
        v1::LiveFeedEvent e;
        ASSERT_TRUE(api::parse_json(f->data, e)) << f->data;
        EXPECT_EQ(e.alert_id(), alert.id());
        kinds.insert(std::string(v1::LiveFeedEvent::descriptor()->FindFieldByNumber(e.event_case())->name()));
        if (e.has_responder_position()) {
            EXPECT_EQ(e.responder_position().volunteer_id(), "v-1");
        }
    }
    for (const char* k : {"state_change", "delivery", "response", "responder_position"}) {
        EXPECT_TRUE(kinds.count(k)) << "feed lacks " << k;
    }

    // The audit trail is queryable and tells the story in order.
    r = call("GET", "/v1/alerts/" + alert.id() + "/audit?pageSize=200");
    v1::AuditTrailResponse audit;
    ASSERT_TRUE(api::parse_json(r.body, audit));
    ASSERT_GT(audit.events_size(), 0);
    int responded = 0, matched = 0;
    for (const auto& e : audit.events()) {
        responded += e.kind() == v1::AUDIT_EVENT_KIND_RESPONDED;
        matched += e.kind() == v1::AUDIT_EVENT_KIND_MATCHED;
    }
    EXPECT_EQ(responded, 3);
    EXPECT_EQ(matched, 9);
    EXPECT_EQ(audit.events(0).kind(), v1::AUDIT_EVENT_KIND_CREATED);
    EXPECT_EQ(audit.events(audit.events_size() - 1).kind(), v1::AUDIT_EVENT_KIND_STATE_CHANGED);
}

TEST_F(NodeTest, VolunteerWalkingIntoAnActiveAreaGetsTheAlertOnce) {
    const v1::Alert alert = create(
        R"({"kind":"ALERT_KIND_MISSING_PERSON","center":{"latitude":22.93,"longitude":113.89},"title":"Mr Zhang, 81"})");
    auto walker = phone("v-walker", near_lake(8'000, 45), {}, true);  // outside the 2 km ring
    EXPECT_FALSE(walker->next_of(v1::ServerMessage::kAlert, 200ms));
    v1::ClientMessage move;
    auto* where = move.mutable_position()->mutable_position();
    where->mutable_location()->set_latitude(near_lake(1'000, 45).lat);
    where->mutable_location()->set_longitude(near_lake(1'000, 45).lon);
    walker->send(move);  // request_id 0: no reply wanted
    auto push = walker->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push);
    EXPECT_EQ(push->alert().alert_id(), alert.id());
    EXPECT_NEAR(push->alert().distance_m(), 1'000, 5);
    walker->send(move);
    EXPECT_FALSE(walker->next_of(v1::ServerMessage::kAlert, 300ms)) << "once in its life";

    // A dispatcher's update reaches the recipient.
    auto r = call("PATCH", "/v1/alerts/" + alert.id(), R"({"description":"Blue jacket, walks with a cane"})");
    ASSERT_EQ(r.status, 200u) << r.body;
    auto update = walker->next_of(v1::ServerMessage::kAlertUpdate);
    ASSERT_TRUE(update);
    EXPECT_EQ(update->alert_update().alert().description(), "Blue jacket, walks with a cane");
    EXPECT_EQ(update->alert_update().alert_version(), 2u);

    // A sighting goes to the alert.
    v1::ClientMessage sighting;
    sighting.mutable_sighting()->set_alert_id(alert.id());
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_latitude(22.94);
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_longitude(113.9);
    sighting.mutable_sighting()->set_text("Old man with a cane near the north gate");
    auto ok = walker->request(sighting);
    ASSERT_TRUE(ok && ok->has_ok()) << (ok ? ok->DebugString() : "no reply");
    EXPECT_FALSE(ok->ok().id().empty());
    r = call("GET", "/v1/alerts/" + alert.id());
    v1::AlertDetail detail;
    ASSERT_TRUE(api::parse_json(r.body, detail));
    EXPECT_EQ(detail.counts().sightings(), 1u);
    EXPECT_EQ(detail.counts().notified(), 1u);
}

TEST_F(NodeTest, OffDutyVolunteersAreNeverAlertedAndPingIsAnswered) {
    auto p = phone("v-off", near_lake(100, 0));
    v1::ClientMessage off;
    off.mutable_availability()->set_availability(v1::AVAILABILITY_OFF_DUTY);
    ASSERT_TRUE(is_ok(p->request(off)));
    create(drowning_json());
    EXPECT_FALSE(p->next_of(v1::ServerMessage::kAlert, 300ms));
    v1::ClientMessage ping;
    ping.mutable_ping()->mutable_sent_at()->set_seconds(1234);
    auto pong = p->request(ping);
    ASSERT_TRUE(pong && pong->has_pong());
    EXPECT_EQ(pong->pong().ping_sent_at().seconds(), 1234);
}

}  // namespace
}  // namespace yihu::testing
