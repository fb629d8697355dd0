// The wire contract round-trips: every case of the volunteer envelopes through binary protobuf and through protobuf's
// JSON mapping (what browsers send as WebSocket text frames), plus the dispatcher, federation and cluster messages
// whose shape matters most (polygons, paths, optional fields, embedded pushes).
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "yihu/v1/alert.pb.h"
#include "yihu/v1/cluster.pb.h"
#include "yihu/v1/commands.pb.h"
#include "yihu/v1/common.pb.h"
#include "yihu/v1/dispatcher.pb.h"
#include "yihu/v1/federation.pb.h"
#include "yihu/v1/volunteer.pb.h"

namespace yihu::v1 {
namespace {

using google::protobuf::Message;
using google::protobuf::util::JsonParseOptions;
using google::protobuf::util::JsonStringToMessage;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::MessageToJsonString;

// 2024-05-01T08:30:00Z
constexpr std::int64_t kMay1 = 1714552200;

google::protobuf::Timestamp At(std::int64_t seconds, std::int32_t nanos = 0) {
    google::protobuf::Timestamp t;
    t.set_seconds(seconds);
    t.set_nanos(nanos);
    return t;
}

google::protobuf::Duration Seconds(std::int64_t seconds) {
    google::protobuf::Duration d;
    d.set_seconds(seconds);
    return d;
}

LatLng Point(double latitude, double longitude) {
    LatLng p;
    p.set_latitude(latitude);
    p.set_longitude(longitude);
    return p;
}

Position PositionAt(double latitude, double longitude, double accuracy_m, std::int64_t seconds) {
    Position p;
    *p.mutable_location() = Point(latitude, longitude);
    p.set_accuracy_m(accuracy_m);
    *p.mutable_observed_at() = At(seconds, 250'000'000);
    return p;
}

// A drowning alert near the Dongjiang river in Dongguan, as the origin stores it.
Alert DrowningAlert() {
    Alert a;
    a.set_id("dongguan-01HZX3K9QF");
    a.set_origin("dongguan");
    a.set_version(3);
    a.set_kind(ALERT_KIND_DROWNING);
    a.set_state(ALERT_STATE_ACTIVE);
    *a.mutable_center() = Point(23.0489, 113.7447);
    Circle* circle = a.mutable_area()->mutable_circle();
    *circle->mutable_center() = Point(23.0489, 113.7447);
    circle->set_radius_m(1500.0);
    a.add_required_skills("water_rescue");
    a.add_required_skills("boat");
    a.set_skill_match(SKILL_MATCH_ANY);
    a.set_min_tier(TIER_REGISTERED);
    a.add_teams("tangxia-rescue-1");
    a.set_responders_wanted(3);
    a.set_urgency(URGENCY_IMMEDIATE);
    a.set_severity(SEVERITY_EXTREME);
    a.set_certainty(CERTAINTY_OBSERVED);
    a.set_title("Person in the water, Dongjiang north bank");
    a.set_description("Man ~30, red T-shirt, seen near hut 12.");
    a.set_instruction("Bring a life ring from the nearest hut. Do not enter the water alone.");
    a.set_photo_url("https://media.example.cn/a/01HZX3K9QF.jpg");
    *a.mutable_created_at() = At(kMay1);
    *a.mutable_updated_at() = At(kMay1 + 45);
    *a.mutable_expires_at() = At(kMay1 + 2 * 3600);
    a.set_shared(false);
    AlertPolicy* policy = a.mutable_policy();
    policy->set_over_alert_factor(3.0);
    *policy->mutable_escalation_timeout() = Seconds(60);
    policy->set_widen_factor(2.0);
    policy->set_max_radius_m(6000.0);
    policy->set_nearest_first(true);
    policy->add_roles("rescue");
    policy->add_roles("fetch_equipment");
    policy->add_roles("coordinate");
    policy->set_ask_to_respond(true);
    policy->set_quiet_hours_bypass(true);
    a.set_created_by("d-204");
    a.set_current_radius_m(1500.0);
    return a;
}

// The same alert as a volunteer may see it.
Alert VolunteerView(Alert a) {
    a.clear_created_by();
    a.clear_policy();
    a.clear_teams();
    return a;
}

std::string ToJson(const Message& m) {
    std::string json;
    const auto status = MessageToJsonString(m, &json);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return json;
}

template <typename M>
M FromJson(const std::string& json) {
    M m;
    const auto status = JsonStringToMessage(json, &m);
    EXPECT_TRUE(status.ok()) << status.ToString() << "\njson: " << json;
    return m;
}

template <typename M>
M BinaryRoundTrip(const M& in) {
    std::string bytes;
    EXPECT_TRUE(in.SerializeToString(&bytes));
    M out;
    EXPECT_TRUE(out.ParseFromString(bytes));
    return out;
}

template <typename M>
M JsonRoundTrip(const M& in) {
    return FromJson<M>(ToJson(in));
}

// Both encodings give back exactly the message that went in.
template <typename M>
void ExpectRoundTrips(const M& in) {
    SCOPED_TRACE(in.ShortDebugString());
    const M from_binary = BinaryRoundTrip(in);
    EXPECT_TRUE(MessageDifferencer::Equals(in, from_binary)) << "binary: " << from_binary.ShortDebugString();
    const M from_json = JsonRoundTrip(in);
    EXPECT_TRUE(MessageDifferencer::Equals(in, from_json)) << "json: " << ToJson(in);
}

// The field numbers of a oneof, to check a test covers every case.
std::set<int> OneofCases(const google::protobuf::Descriptor* descriptor, const std::string& oneof_name) {
    const auto* oneof = descriptor->FindOneofByName(oneof_name);
    EXPECT_NE(oneof, nullptr);
    std::set<int> cases;
    if (oneof == nullptr) return cases;
    for (int i = 0; i < oneof->field_count(); ++i) cases.insert(oneof->field(i)->number());
    return cases;
}

// One ClientMessage per body case, as a phone would send them.
std::vector<ClientMessage> EveryClientMessage() {
    std::vector<ClientMessage> all;

    ClientMessage hello;
    hello.set_request_id(1);
    Hello* h = hello.mutable_hello();
    h->set_token("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ2LTEwMjkzIn0.c2ln");
    h->set_client_version("yihu-android/1.4.2");
    h->set_protocol_version(1);
    h->set_last_seq(41);
    h->set_last_epoch("e-7f3a");
    *h->mutable_position() = PositionAt(22.9, 113.7, 12.0, kMay1);
    h->set_availability(AVAILABILITY_ON_DUTY);
    all.push_back(hello);

    ClientMessage position;  // request_id 0: high-rate, no reply wanted
    *position.mutable_position()->mutable_position() = PositionAt(22.90031, 113.70112, 8.5, kMay1 + 5);
    all.push_back(position);

    ClientMessage availability;
    availability.set_request_id(2);
    availability.mutable_availability()->set_availability(AVAILABILITY_QUIET_HOURS);
    all.push_back(availability);

    ClientMessage skills;
    skills.set_request_id(3);
    skills.mutable_skills()->add_skills("first_aid");
    skills.mutable_skills()->add_skills("boat");
    all.push_back(skills);

    ClientMessage ack;
    ack.mutable_ack()->set_seq(44);
    all.push_back(ack);

    ClientMessage respond;
    respond.set_request_id(4);
    Respond* r = respond.mutable_respond();
    r->set_alert_id("dongguan-01HZX3K9QF");
    r->set_kind(RESPONSE_KIND_ACCEPT);
    *r->mutable_position() = PositionAt(23.0411, 113.7502, 6.0, kMay1 + 70);
    all.push_back(respond);

    ClientMessage sighting;
    sighting.set_request_id(5);
    ReportSighting* s = sighting.mutable_sighting();
    s->set_alert_id("dongguan-01HZX4MISSING");
    *s->mutable_position() = PositionAt(22.9712, 113.6801, 20.0, kMay1 + 600);
    s->set_text("Old man in a blue jacket at the bus stop, walking north");
    s->set_photo_url("https://media.example.cn/s/4411.jpg");
    all.push_back(sighting);

    ClientMessage ping;
    ping.set_request_id(6);
    *ping.mutable_ping()->mutable_sent_at() = At(kMay1 + 30, 123'000'000);
    all.push_back(ping);

    return all;
}

// One ServerMessage per body case, as a server would send them.
std::vector<ServerMessage> EveryServerMessage() {
    std::vector<ServerMessage> all;

    ServerMessage welcome;
    welcome.set_request_id(1);
    Welcome* w = welcome.mutable_welcome();
    w->set_volunteer_id("v-10293");
    w->set_node_id("node-b");
    *w->mutable_server_time() = At(kMay1 + 1);
    w->set_current_seq(44);
    w->set_epoch("e-7f3a");
    w->set_recovered(true);
    *w->mutable_heartbeat_interval() = Seconds(25);
    *w->mutable_position_interval() = Seconds(10);
    w->set_tier(TIER_REGISTERED);
    w->add_skills("first_aid");
    w->add_skills("water_rescue");
    w->add_teams("tangxia-rescue-1");
    all.push_back(welcome);

    const Alert view = VolunteerView(DrowningAlert());

    ServerMessage push;
    AlertPush* p = push.mutable_alert();
    p->set_seq(45);
    p->set_alert_id(view.id());
    p->set_alert_version(view.version());
    *p->mutable_alert() = view;
    p->set_distance_m(812.4);
    p->set_response_requested(true);
    p->add_roles("rescue");
    p->add_roles("fetch_equipment");
    all.push_back(push);

    ServerMessage update;
    AlertUpdate* u = update.mutable_alert_update();
    u->set_seq(46);
    u->set_alert_id(view.id());
    u->set_alert_version(view.version() + 1);
    *u->mutable_alert() = view;
    u->mutable_alert()->set_version(view.version() + 1);
    u->mutable_alert()->set_description("Man ~30, red T-shirt, drifting downstream past hut 13.");
    u->set_distance_m(640.0);
    u->set_role("fetch_equipment");
    all.push_back(update);

    ServerMessage stand_down;
    StandDown* sd = stand_down.mutable_stand_down();
    sd->set_seq(47);
    sd->set_alert_id(view.id());
    sd->set_alert_version(view.version() + 1);
    sd->set_reason("Enough responders are on the way. Thank you!");
    all.push_back(stand_down);

    ServerMessage closed;
    AlertClosed* c = closed.mutable_alert_closed();
    c->set_seq(48);
    c->set_alert_id(view.id());
    c->set_alert_version(view.version() + 2);
    c->set_final_state(ALERT_STATE_RESOLVED_FOUND);
    c->set_message("Found safe. Thank you all.");
    all.push_back(closed);

    ServerMessage error;
    error.set_request_id(12);
    Error* e = error.mutable_error();
    e->set_code(ERROR_CODE_RATE_LIMITED);
    e->set_message("too many sightings: 5 per minute");
    e->set_fatal(false);
    e->set_retry_after_ms(1500);
    all.push_back(error);

    ServerMessage pong;
    pong.set_request_id(6);
    *pong.mutable_pong()->mutable_ping_sent_at() = At(kMay1 + 30, 123'000'000);
    *pong.mutable_pong()->mutable_server_time() = At(kMay1 + 30, 180'000'000);
    all.push_back(pong);

    ServerMessage ok;
    ok.set_request_id(4);
    ok.mutable_ok()->set_role("rescue");
    all.push_back(ok);

    return all;
}

// The sample with the given body case (the samples hold one per case).
template <typename M, typename Case>
M ByCase(const std::vector<M>& all, Case body_case) {
    for (const auto& m : all) {
        if (m.body_case() == body_case) return m;
    }
    ADD_FAILURE() << "no sample for case " << static_cast<int>(body_case);
    return M{};
}

TEST(WireSchemaTest, EveryClientMessageCaseRoundTrips) {
    const auto all = EveryClientMessage();
    std::set<int> covered;
    for (const auto& m : all) {
        ASSERT_NE(m.body_case(), ClientMessage::BODY_NOT_SET);
        covered.insert(static_cast<int>(m.body_case()));
        ExpectRoundTrips(m);
    }
    EXPECT_EQ(covered, OneofCases(ClientMessage::descriptor(), "body")) << "add a sample for the new case";

    // Spot checks on values after the JSON path, which is the lossier one (64-bit ints as strings, enums by name).
    const auto hello = JsonRoundTrip(ByCase(all, ClientMessage::kHello));
    ASSERT_TRUE(hello.has_hello());
    EXPECT_EQ(hello.request_id(), 1u);
    EXPECT_EQ(hello.hello().last_seq(), 41u);
    EXPECT_EQ(hello.hello().last_epoch(), "e-7f3a");
    EXPECT_EQ(hello.hello().availability(), AVAILABILITY_ON_DUTY);
    EXPECT_DOUBLE_EQ(hello.hello().position().location().latitude(), 22.9);
    EXPECT_EQ(hello.hello().position().observed_at().nanos(), 250'000'000);

    const auto respond = JsonRoundTrip(ByCase(all, ClientMessage::kRespond));
    ASSERT_TRUE(respond.has_respond());
    EXPECT_EQ(respond.respond().alert_id(), "dongguan-01HZX3K9QF");
    EXPECT_EQ(respond.respond().kind(), RESPONSE_KIND_ACCEPT);
    EXPECT_DOUBLE_EQ(respond.respond().position().location().longitude(), 113.7502);
}

TEST(WireSchemaTest, EveryServerMessageCaseRoundTrips) {
    const auto all = EveryServerMessage();
    std::set<int> covered;
    for (const auto& m : all) {
        ASSERT_NE(m.body_case(), ServerMessage::BODY_NOT_SET);
        covered.insert(static_cast<int>(m.body_case()));
        ExpectRoundTrips(m);
    }
    EXPECT_EQ(covered, OneofCases(ServerMessage::descriptor(), "body")) << "add a sample for the new case";

    const auto push = JsonRoundTrip(ByCase(all, ServerMessage::kAlert));
    ASSERT_TRUE(push.has_alert());
    EXPECT_EQ(push.request_id(), 0u);
    EXPECT_EQ(push.alert().seq(), 45u);
    EXPECT_EQ(push.alert().alert().kind(), ALERT_KIND_DROWNING);
    EXPECT_EQ(push.alert().alert().area().circle().radius_m(), 1500.0);
    EXPECT_EQ(push.alert().alert().required_skills_size(), 2);
    EXPECT_FALSE(push.alert().alert().has_policy()) << "volunteers never see the policy";
    EXPECT_TRUE(push.alert().alert().created_by().empty());
    EXPECT_EQ(push.alert().alert().expires_at().seconds(), kMay1 + 7200);

    const auto closed = BinaryRoundTrip(ByCase(all, ServerMessage::kAlertClosed));
    ASSERT_TRUE(closed.has_alert_closed());
    EXPECT_EQ(closed.alert_closed().final_state(), ALERT_STATE_RESOLVED_FOUND);
    EXPECT_EQ(closed.alert_closed().message(), "Found safe. Thank you all.");
}

TEST(WireSchemaTest, ServerJsonUsesCamelCaseEnumNamesAndStringInt64) {
    const auto all = EveryServerMessage();
    const std::string error_json = ToJson(ByCase(all, ServerMessage::kError));
    EXPECT_NE(error_json.find(R"("requestId":"12")"), std::string::npos) << error_json;
    EXPECT_NE(error_json.find(R"("code":"ERROR_CODE_RATE_LIMITED")"), std::string::npos) << error_json;
    EXPECT_NE(error_json.find(R"("retryAfterMs":1500)"), std::string::npos) << error_json;

    const std::string welcome_json = ToJson(ByCase(all, ServerMessage::kWelcome));
    EXPECT_NE(welcome_json.find(R"("heartbeatInterval":"25s")"), std::string::npos) << welcome_json;
    EXPECT_NE(welcome_json.find(R"("currentSeq":"44")"), std::string::npos) << welcome_json;
    EXPECT_NE(welcome_json.find(R"("serverTime":"2024-05-01T08:30:01Z")"), std::string::npos) << welcome_json;
}

TEST(WireSchemaTest, BrowserJsonPositionParses) {
    const auto m = FromJson<ClientMessage>(
        R"({"requestId":"7","position":{"position":{"location":{"latitude":22.9,"longitude":113.7},)"
        R"("accuracyM":12,"observedAt":"2024-05-01T08:30:05.250Z"}}})");
    EXPECT_EQ(m.request_id(), 7u);
    ASSERT_EQ(m.body_case(), ClientMessage::kPosition);
    const Position& p = m.position().position();
    EXPECT_DOUBLE_EQ(p.location().latitude(), 22.9);
    EXPECT_DOUBLE_EQ(p.location().longitude(), 113.7);
    EXPECT_DOUBLE_EQ(p.accuracy_m(), 12.0);
    EXPECT_EQ(p.observed_at().seconds(), kMay1 + 5);
    EXPECT_EQ(p.observed_at().nanos(), 250'000'000);

    ClientMessage expected;
    expected.set_request_id(7);
    *expected.mutable_position()->mutable_position() = PositionAt(22.9, 113.7, 12.0, kMay1 + 5);
    EXPECT_TRUE(MessageDifferencer::Equals(m, expected)) << m.ShortDebugString();
}

TEST(WireSchemaTest, BrowserJsonHelloAckAndRespondParse) {
    // A browser may write 64-bit integers as numbers or strings; enums by name.
    const auto hello = FromJson<ClientMessage>(
        R"({"requestId":1,"hello":{"token":"eyJ.x.y","clientVersion":"yihu-web/0.3.0","protocolVersion":1,)"
        R"("lastSeq":"41","lastEpoch":"e-7f3a","availability":"AVAILABILITY_ON_DUTY"}})");
    EXPECT_EQ(hello.request_id(), 1u);
    ASSERT_TRUE(hello.has_hello());
    EXPECT_EQ(hello.hello().token(), "eyJ.x.y");
    EXPECT_EQ(hello.hello().client_version(), "yihu-web/0.3.0");
    EXPECT_EQ(hello.hello().protocol_version(), 1u);
    EXPECT_EQ(hello.hello().last_seq(), 41u);
    EXPECT_EQ(hello.hello().availability(), AVAILABILITY_ON_DUTY);
    EXPECT_FALSE(hello.hello().has_position());

    const auto ack = FromJson<ClientMessage>(R"({"ack":{"seq":44}})");
    EXPECT_EQ(ack.request_id(), 0u);
    ASSERT_TRUE(ack.has_ack());
    EXPECT_EQ(ack.ack().seq(), 44u);

    const auto respond = FromJson<ClientMessage>(
        R"({"requestId":"9","respond":{"alertId":"dongguan-01HZX3K9QF","kind":"RESPONSE_KIND_DECLINE"}})");
    ASSERT_TRUE(respond.has_respond());
    EXPECT_EQ(respond.request_id(), 9u);
    EXPECT_EQ(respond.respond().alert_id(), "dongguan-01HZX3K9QF");
    EXPECT_EQ(respond.respond().kind(), RESPONSE_KIND_DECLINE);
    EXPECT_FALSE(respond.respond().has_position());
}

TEST(WireSchemaTest, UnknownJsonFieldIsRejectedByDefault) {
    ClientMessage m;
    const auto top = JsonStringToMessage(R"({"requestId":"3","ping":{},"volume":11})", &m);
    EXPECT_FALSE(top.ok());

    const auto nested = JsonStringToMessage(R"({"requestId":"3","ping":{"sentAt":"2024-05-01T08:30:00Z","x":1}})", &m);
    EXPECT_FALSE(nested.ok());

    const auto two_bodies = JsonStringToMessage(R"({"ping":{},"ack":{"seq":"1"}})", &m);
    EXPECT_FALSE(two_bodies.ok()) << "an envelope carries one body";

    const auto bad_enum = JsonStringToMessage(R"({"availability":{"availability":"AVAILABILITY_ASLEEP"}})", &m);
    EXPECT_FALSE(bad_enum.ok());

    // The lever exists, and the server does not pull it: this shows what it would change.
    JsonParseOptions lenient;
    lenient.ignore_unknown_fields = true;
    ClientMessage tolerant;
    const auto ignored = JsonStringToMessage(R"({"requestId":"3","ping":{},"volume":11})", &tolerant, lenient);
    ASSERT_TRUE(ignored.ok()) << ignored.ToString();
    EXPECT_EQ(tolerant.request_id(), 3u);
    EXPECT_TRUE(tolerant.has_ping());
}

TEST(WireSchemaTest, CreateAlertRequestWithPolygonRoundTrips) {
    CreateAlertRequest req;
    req.set_kind(ALERT_KIND_MISSING_PERSON);
    *req.mutable_center() = Point(22.9712, 113.6801);
    Polygon* polygon = req.mutable_area()->mutable_polygon();
    const std::vector<LatLng> ring = {Point(22.95, 113.65), Point(22.95, 113.72), Point(23.00, 113.72),
                                      Point(23.00, 113.65), Point(22.95, 113.65)};
    for (const auto& v : ring) *polygon->add_ring() = v;
    req.add_required_skills("search");
    req.set_skill_match(SKILL_MATCH_ALL);
    req.set_min_tier(TIER_PUBLIC);
    req.set_responders_wanted(0);
    req.set_urgency(URGENCY_EXPECTED);
    req.set_severity(SEVERITY_SEVERE);
    req.set_certainty(CERTAINTY_LIKELY);
    req.set_title("Missing: man, 78, blue jacket");
    req.set_description("Mr Zhang, 78, dementia; left home in Tangxia at 07:10; blue jacket, grey trousers.");
    req.set_instruction("Report sightings; stay with him and call 110.");
    req.set_photo_url("https://media.example.cn/p/zhang.jpg");
    *req.mutable_expires_in() = Seconds(7 * 24 * 3600);
    req.set_shared(true);
    Ring* r0 = req.mutable_policy()->add_rings();
    r0->set_radius_m(3'000.0);
    *r0->mutable_after() = Seconds(0);
    Ring* r1 = req.mutable_policy()->add_rings();
    r1->set_radius_m(10'000.0);
    *r1->mutable_after() = Seconds(3600);
    req.mutable_policy()->set_ask_to_respond(false);
    req.set_idempotency_key("3f0c8a52-6a55-4a8e-9d2a-2d1b9c0e7f11");

    ExpectRoundTrips(req);

    const std::string json = ToJson(req);
    EXPECT_NE(json.find(R"("polygon":{"ring":[)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("expiresIn":"604800s")"), std::string::npos) << json;

    for (const auto& out : {BinaryRoundTrip(req), FromJson<CreateAlertRequest>(json)}) {
        ASSERT_TRUE(out.area().has_polygon());
        EXPECT_FALSE(out.area().has_circle());
        const Polygon& p = out.area().polygon();
        ASSERT_EQ(p.ring_size(), 5);
        EXPECT_TRUE(MessageDifferencer::Equals(p.ring(0), p.ring(4))) << "CAP rings are closed";
        EXPECT_DOUBLE_EQ(p.ring(2).latitude(), 23.00);
        EXPECT_DOUBLE_EQ(p.ring(2).longitude(), 113.72);
        EXPECT_EQ(out.expires_in().seconds(), 7 * 24 * 3600);
        ASSERT_EQ(out.policy().rings_size(), 2);
        EXPECT_EQ(out.policy().rings(1).after().seconds(), 3600);
        EXPECT_DOUBLE_EQ(out.policy().rings(1).radius_m(), 10'000.0);
        // Optional policy fields keep their presence: ask_to_respond is set to false, nearest_first is not set.
        EXPECT_TRUE(out.policy().has_ask_to_respond());
        EXPECT_FALSE(out.policy().ask_to_respond());
        EXPECT_FALSE(out.policy().has_nearest_first());
        EXPECT_EQ(out.idempotency_key(), "3f0c8a52-6a55-4a8e-9d2a-2d1b9c0e7f11");
    }
}

TEST(WireSchemaTest, UpdateAlertRequestKeepsPresenceOfOptionalFields) {
    UpdateAlertRequest req;
    req.set_alert_id("dongguan-01HZX4MISSING");
    req.set_expected_version(5);
    req.set_photo_url("");  // explicitly removes the photo
    req.set_responders_wanted(4);
    *req.mutable_center() = Point(22.9801, 113.6902);

    ExpectRoundTrips(req);
    for (const auto& out : {BinaryRoundTrip(req), JsonRoundTrip(req)}) {
        EXPECT_EQ(out.expected_version(), 5u);
        EXPECT_TRUE(out.has_photo_url()) << "an explicit empty photo_url must survive: it means remove";
        EXPECT_TRUE(out.photo_url().empty());
        EXPECT_FALSE(out.has_title());
        EXPECT_FALSE(out.has_description());
        EXPECT_FALSE(out.has_area());
        EXPECT_TRUE(out.has_responders_wanted());
        EXPECT_EQ(out.responders_wanted(), 4u);
        EXPECT_DOUBLE_EQ(out.center().latitude(), 22.9801);
    }
}

TEST(WireSchemaTest, FederatedAlertRoundTripsWithPath) {
    PeerEnvelope env;
    env.set_message_id("01HZX3KA00DGHZ");
    env.set_sender("huizhou");
    *env.mutable_sent_at() = At(kMay1 + 3);
    FederatedAlert* fa = env.mutable_alert();
    *fa->mutable_alert() = DrowningAlert();
    fa->mutable_alert()->set_shared(true);
    fa->set_origin("dongguan");
    fa->set_version(3);
    fa->add_path("dongguan");
    fa->add_path("huizhou");

    ExpectRoundTrips(env);
    for (const auto& out : {BinaryRoundTrip(env), JsonRoundTrip(env)}) {
        ASSERT_EQ(out.body_case(), PeerEnvelope::kAlert);
        const FederatedAlert& got = out.alert();
        ASSERT_EQ(got.path_size(), 2);
        EXPECT_EQ(got.path(0), "dongguan") << "origin first";
        EXPECT_EQ(got.path(1), "huizhou") << "sender last";
        EXPECT_EQ(got.origin(), got.alert().origin());
        EXPECT_EQ(got.version(), got.alert().version());
        EXPECT_EQ(got.alert().id(), "dongguan-01HZX3K9QF");
        EXPECT_TRUE(got.alert().shared());
        EXPECT_EQ(got.alert().policy().roles_size(), 3) << "peers get the alert in full";
        EXPECT_EQ(out.message_id(), "01HZX3KA00DGHZ");
    }

    PeerEnvelope ack;
    ack.set_message_id("01HZX3KB11HZDG");
    ack.set_sender("dongguan");
    FederationAck* a = ack.mutable_ack();
    a->set_message_id(env.message_id());
    a->set_origin("dongguan");
    a->set_alert_id("dongguan-01HZX3K9QF");
    a->set_version(3);
    a->set_accepted(false);
    a->set_code(ERROR_CODE_INVALID_COORDINATES);
    a->set_reason("polygon ring not closed");
    ExpectRoundTrips(ack);
    EXPECT_EQ(JsonRoundTrip(ack).ack().code(), ERROR_CODE_INVALID_COORDINATES);
}

TEST(WireSchemaTest, ClusterRelayCarriesSessionsAndCommandsBothWays) {
    ToLeader hello;
    hello.set_origin_node("node-b");
    hello.set_origin_incarnation("b-1700000000000");
    VolunteerHelloCall* h = hello.mutable_hello();
    h->set_session_id(77);
    h->set_binary(true);
    h->mutable_claims()->set_subject("v-10293");
    h->mutable_claims()->add_skills("water_rescue");
    h->mutable_claims()->set_tier(TIER_VETTED);
    h->mutable_claims()->set_expires_at_s(kMay1 + 3600);
    *h->mutable_hello() = ByCase(EveryClientMessage(), ClientMessage::kHello).hello();
    h->set_request_id(1);
    ExpectRoundTrips(hello);
    EXPECT_EQ(BinaryRoundTrip(hello).hello().claims().skills(0), "water_rescue");

    ToLeader call;
    call.set_origin_node("node-c");
    CommandCall* c = call.mutable_command();
    c->set_call_id(9);
    c->mutable_command()->mutable_caller()->set_subject("d-1");
    c->mutable_command()->mutable_caller()->set_role(CALLER_ROLE_DISPATCHER);
    CreateAlertRequest* create = c->mutable_command()->mutable_create_alert()->mutable_request();
    create->set_kind(ALERT_KIND_DROWNING);
    create->set_title(std::string("Drowning\0tail", 13));
    create->set_idempotency_key("k-1");
    ExpectRoundTrips(call);
    EXPECT_EQ(BinaryRoundTrip(call).command().command().create_alert().request().idempotency_key(), "k-1");

    ToNode answer;
    answer.set_leader_term(4);
    answer.mutable_answer()->set_call_id(9);
    answer.mutable_answer()->mutable_result()->mutable_error()->set_code(ERROR_CODE_CONFLICT);
    (*answer.mutable_answer()->mutable_result()->mutable_error()->mutable_details())["current_version"] = "8";
    ExpectRoundTrips(answer);
    EXPECT_EQ(BinaryRoundTrip(answer).answer().result().error().details().at("current_version"), "8");

    ToNode frame;
    frame.set_leader_term(4);
    frame.set_target_incarnation("b-1700000000000");
    frame.mutable_frame()->set_session_id(77);
    frame.mutable_frame()->set_data(std::string("\x0a\x00\xff", 3));
    frame.mutable_frame()->set_binary(true);
    ExpectRoundTrips(frame);
    EXPECT_EQ(BinaryRoundTrip(frame).frame().data(), std::string("\x0a\x00\xff", 3));
}

}  // namespace
}  // namespace yihu::v1
