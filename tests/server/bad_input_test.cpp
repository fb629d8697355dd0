// Every kind of bad input gets its own typed error; recoverable ones leave the connection open.

#include "node_harness.h"

namespace yihu::testing {
namespace {

v1::ServerMessage expect_error(Phone& p, v1::ErrorCode code, bool fatal) {
    auto m = p.next_of(v1::ServerMessage::kError);
    EXPECT_TRUE(m) << "no error for " << v1::ErrorCode_Name(code);
    if (!m) return {};
    EXPECT_EQ(m->error().code(), code) << m->error().message();
    EXPECT_EQ(m->error().fatal(), fatal);
    EXPECT_FALSE(m->error().message().empty());
    return *m;
}

void expect_still_open(Phone& p) {
    v1::ClientMessage ping;
    ping.mutable_ping();
    auto pong = p.request(ping);
    ASSERT_TRUE(pong && pong->has_pong()) << "the session should have stayed open";
}

void expect_closed(Phone& p, std::uint16_t code) {
    for (int i = 0; i < 20 && !p.ws().closed(); ++i) p.ws().receive(std::chrono::milliseconds(100));
    EXPECT_TRUE(p.ws().closed());
    EXPECT_EQ(p.ws().close_code(), code);
}

TEST_F(NodeTest, VolunteerProtocolErrors) {
    // Recoverable: each leaves the session open.
    auto p = phone("v-1", near_lake(100, 0));
    p->send_raw("\xff\xff\xff garbage", true);
    expect_error(*p, v1::ERROR_CODE_MALFORMED_MESSAGE, false);
    expect_still_open(*p);

    v1::ClientMessage empty;  // no body: a case this server does not know
    empty.set_request_id(7);
    p->send(empty);
    EXPECT_EQ(expect_error(*p, v1::ERROR_CODE_UNKNOWN_MESSAGE_TYPE, false).request_id(), 7u);

    for (auto [lat, lon] : {std::pair{91.0, 0.0}, {0.0, 181.0}, {std::nan(""), 0.0}}) {
        v1::ClientMessage bad;
        bad.mutable_position()->mutable_position()->mutable_location()->set_latitude(lat);
        bad.mutable_position()->mutable_position()->mutable_location()->set_longitude(lon);
        p->send(bad);
        expect_error(*p, v1::ERROR_CODE_INVALID_COORDINATES, false);
    }
    v1::ClientMessage bad_accuracy;
    bad_accuracy.mutable_position()->mutable_position()->mutable_location()->set_latitude(22.9);
    bad_accuracy.mutable_position()->mutable_position()->set_accuracy_m(-5);
    p->send(bad_accuracy);
    expect_error(*p, v1::ERROR_CODE_INVALID_COORDINATES, false);

    v1::ClientMessage unknown_alert;
    unknown_alert.mutable_respond()->set_alert_id("nope-1");
    unknown_alert.mutable_respond()->set_kind(v1::RESPONSE_KIND_ACCEPT);
    auto r = p->request(unknown_alert);
    ASSERT_TRUE(r && r->has_error());
    EXPECT_EQ(r->error().code(), v1::ERROR_CODE_NOT_FOUND);

    v1::ClientMessage skills;
    skills.mutable_skills()->add_skills("boat");  // not granted by the token
    r = p->request(skills);
    ASSERT_TRUE(r && r->has_error());
    EXPECT_EQ(r->error().code(), v1::ERROR_CODE_FORBIDDEN_ROLE);

    v1::ClientMessage availability;
    availability.mutable_availability();  // UNSPECIFIED
    r = p->request(availability);
    ASSERT_TRUE(r && r->has_error());
    EXPECT_EQ(r->error().code(), v1::ERROR_CODE_INVALID_ARGUMENT);
    expect_still_open(*p);

    // Fatal: an oversize frame (the protocol limit is 64 KiB by default) closes with 1009.
    p->send_raw(std::string(70 * 1024, 'x'), true);
    expect_error(*p, v1::ERROR_CODE_FRAME_TOO_LARGE, true);
    expect_closed(*p, 1009);
}

TEST_F(NodeTest, VolunteerAuthenticationErrorsAreFatal) {
    {
        Phone p(node_->port(), false);
        v1::ClientMessage ping;
        ping.mutable_ping();
        p.send(ping);
        expect_error(p, v1::ERROR_CODE_UNAUTHENTICATED, true);
        expect_closed(p, 1008);
    }
    {
        Phone p(node_->port(), true);
        v1::ClientMessage hello;
        hello.mutable_hello()->set_token("not.a.token");
        p.send(hello);
        expect_error(p, v1::ERROR_CODE_UNAUTHENTICATED, true);
        expect_closed(p, 1008);
    }
    {
        Phone p(node_->port(), false);
        v1::ClientMessage hello;
        hello.mutable_hello()->set_token(
            mint(node_->token_secret(), api::Role::kVolunteer, "v-1", {}, core::Tier::kPublic, -60));
        p.send(hello);
        expect_error(p, v1::ERROR_CODE_TOKEN_EXPIRED, true);
    }
    {
        Phone p(node_->port(), false);
        v1::ClientMessage hello;
        hello.mutable_hello()->set_token(mint("another-secret", api::Role::kVolunteer, "v-1"));
        p.send(hello);
        expect_error(p, v1::ERROR_CODE_UNAUTHENTICATED, true);
    }
    {
        Phone p(node_->port(), false);
        v1::ClientMessage hello;
        hello.mutable_hello()->set_token(dispatcher_);
        p.send(hello);
        expect_error(p, v1::ERROR_CODE_FORBIDDEN_ROLE, true);
    }
    {
        Phone p(node_->port(), false);
        v1::ClientMessage hello;
        hello.mutable_hello()->set_token(volunteer_token("v-1"));
        hello.mutable_hello()->set_protocol_version(9);
        p.send(hello);
        expect_error(p, v1::ERROR_CODE_UNSUPPORTED_VERSION, true);
    }
    // A second session for the same volunteer replaces the first.
    auto first = phone("v-2", near_lake(100, 0));
    auto second = phone("v-2", near_lake(100, 0));
    expect_error(*first, v1::ERROR_CODE_SESSION_REPLACED, true);
    expect_still_open(*second);
}

// A phone that reconnects before its old socket is seen to close says the same Hello.instance_id: its old socket is
// closed normally, with no SESSION_REPLACED (fatal: the app would give up); another copy of the app still gets it.
TEST_F(NodeTest, APhoneResumingIsNotToldItReplacedItself) {
    const std::string token = volunteer_token("v-3");
    Phone old_socket(node_->port(), false);
    old_socket.instance_id = "phone-a";
    old_socket.hello(token, near_lake(100, 0));
    Phone resumed(node_->port(), false);
    resumed.instance_id = "phone-a";
    resumed.hello(token, near_lake(100, 0));
    std::vector<v1::ServerMessage> seen;
    for (int i = 0; i < 30 && !old_socket.ws().closed(); ++i) {
        if (auto m = old_socket.next(100ms)) seen.push_back(*m);
    }
    ASSERT_TRUE(old_socket.ws().closed()) << "one live session per volunteer: the older socket goes";
    EXPECT_EQ(old_socket.ws().close_code(), 1000);
    for (const auto& m : seen) EXPECT_FALSE(m.has_error()) << m.DebugString();
    expect_still_open(resumed);

    Phone other_device(node_->port(), false);
    other_device.instance_id = "phone-b";
    other_device.hello(token, near_lake(100, 0));
    expect_error(resumed, v1::ERROR_CODE_SESSION_REPLACED, true);
    expect_still_open(other_device);

    Phone too_long(node_->port(), false);
    v1::ClientMessage hello;
    hello.mutable_hello()->set_token(token);
    hello.mutable_hello()->set_instance_id(std::string(65, 'x'));
    too_long.send(hello);
    expect_error(too_long, v1::ERROR_CODE_INVALID_ARGUMENT, true);
    expect_still_open(other_device);
}

TEST_F(NodeTest, DispatcherHttpErrors) {
    auto expect = [&](client::HttpClient::Reply r, unsigned status, const char* code) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_NE(r.body.find(code), std::string::npos) << r.body;
        EXPECT_EQ(r.headers["content-type"], "application/json");
    };
    expect(http_->request("GET", "/v1/alerts"), 401, "ERROR_CODE_UNAUTHENTICATED");
    expect(http_->request("GET", "/v1/alerts", "", "garbage"), 401, "ERROR_CODE_UNAUTHENTICATED");
    expect(http_->request("GET", "/v1/alerts", "", volunteer_token("v-1")), 403, "ERROR_CODE_FORBIDDEN_ROLE");
    expect(call("POST", "/v1/alerts", "{not json"), 400, "ERROR_CODE_MALFORMED_MESSAGE");
    expect(call("POST", "/v1/alerts", R"({"kind":"ALERT_KIND_DROWNING","titel":"typo"})"), 400,
           "ERROR_CODE_MALFORMED_MESSAGE");
    expect(call("POST", "/v1/alerts",
                R"({"kind":"ALERT_KIND_DROWNING","center":{"latitude":95,"longitude":113},"title":"x"})"),
           400, "ERROR_CODE_INVALID_COORDINATES");
    expect(call("POST", "/v1/alerts", R"({"center":{"latitude":22.9,"longitude":113.9},"title":"x"})"), 400,
           "ERROR_CODE_INVALID_ARGUMENT");
    expect(
        call(
            "POST", "/v1/alerts",
            R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"x","area":{"circle":{"center":{"latitude":22.9,"longitude":113.9},"radiusM":-1}}})"),
        400, "ERROR_CODE_INVALID_COORDINATES");
    expect(
        call(
            "POST", "/v1/alerts",
            R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"x","photoUrl":"http://insecure"})"),
        400, "ERROR_CODE_INVALID_ARGUMENT");
    expect(call("GET", "/v1/alerts/nope-1"), 404, "ERROR_CODE_NOT_FOUND");
    expect(call("GET", "/v1/nowhere"), 404, "ERROR_CODE_NOT_FOUND");
    expect(call("POST", "/v1/alerts", std::string(5 << 20, ' ')), 413, "ERROR_CODE_FRAME_TOO_LARGE");

    // Optimistic concurrency: a stale expected_version is refused with the current version in the details.
    http_ = std::make_unique<client::HttpClient>("127.0.0.1", node_->port());  // 413 closed the connection
    const v1::Alert a = create(drowning_json());
    expect(call("PATCH", "/v1/alerts/" + a.id(), R"({"expectedVersion":"7","description":"x"})"), 409,
           "ERROR_CODE_CONFLICT");
    expect(call("PATCH", "/v1/alerts/" + a.id(), R"({})"), 400, "ERROR_CODE_INVALID_ARGUMENT");

    // Idempotent creation: the same key and body give the same alert; another body with the key is a conflict.
    const std::string body =
        R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"Flood","idempotencyKey":"k-1"})";
    auto first = call("POST", "/v1/alerts", body);
    ASSERT_EQ(first.status, 201u) << first.body;
    auto again = call("POST", "/v1/alerts", body);
    EXPECT_EQ(again.status, 200u) << again.body;
    v1::Alert x, y;
    ASSERT_TRUE(api::parse_json(first.body, x));
    ASSERT_TRUE(api::parse_json(again.body, y));
    EXPECT_EQ(x.id(), y.id());
    expect(
        call(
            "POST", "/v1/alerts",
            R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"Other","idempotencyKey":"k-1"})"),
        409, "ERROR_CODE_CONFLICT");

    // The feed needs a dispatcher token too.
    try {
        client::WsClient::connect("127.0.0.1", node_->port(), "/v1/feed");
        ADD_FAILURE() << "feed without a token was accepted";
    } catch (const client::WsUpgradeRefused& refused) {
        EXPECT_EQ(refused.status(), 401u);
    }
}

TEST_F(NodeTest, DeviceTriggerRaisesOneMergedAlert) {
    restart([](ops::Config& c) {
        ops::DeviceConfig hut;
        hut.id = "hut-12";
        hut.name = "Dongjiang north bank hut 12";
        hut.position = kLake;
        c.devices.push_back(hut);
    });
    auto p = phone("v-1", near_lake(300, 0));
    const std::string token = mint(node_->token_secret(), api::Role::kDevice, "hut-12");
    auto first =
        http_->request("POST", "/v1/devices/hut-12/trigger", R"({"kind":"DEVICE_TRIGGER_KIND_DOOR_OPENED"})", token);
    ASSERT_EQ(first.status, 201u) << first.body;
    v1::Alert a;
    ASSERT_TRUE(api::parse_json(first.body, a));
    EXPECT_EQ(a.kind(), v1::ALERT_KIND_DROWNING);
    auto push = p->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push);
    EXPECT_EQ(push->alert().alert_id(), a.id());

    auto second = http_->request("POST", "/v1/devices/hut-12/trigger", "", token);
    ASSERT_EQ(second.status, 200u) << "a repeated trigger merges into the open alert: " << second.body;
    v1::Alert b;
    ASSERT_TRUE(api::parse_json(second.body, b));
    EXPECT_EQ(b.id(), a.id());

    EXPECT_EQ(http_->request("POST", "/v1/devices/hut-13/trigger", "", token).status, 403u);
    EXPECT_EQ(http_->request("POST", "/v1/devices/hut-12/trigger", "", dispatcher_).status, 403u);
    const std::string stranger = mint(node_->token_secret(), api::Role::kDevice, "hut-99");
    EXPECT_EQ(http_->request("POST", "/v1/devices/hut-99/trigger", "", stranger).status, 404u);
}

TEST_F(NodeTest, HealthReadinessAndMetrics) {
    auto health = http_->request("GET", "/healthz");
    EXPECT_EQ(health.status, 200u);
    EXPECT_EQ(http_->request("GET", "/readyz").status, 200u);
    auto p = phone("v-1", near_lake(100, 0));
    create(drowning_json(1));
    auto push = p->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push);
    p->ack(push->alert().seq());
    p->request([] {
        v1::ClientMessage ping;
        ping.mutable_ping();
        return ping;
    }());
    auto metrics = http_->request("GET", "/metrics");
    ASSERT_EQ(metrics.status, 200u);
    EXPECT_NE(metrics.headers["content-type"].find("text/plain"), std::string::npos);
    for (const char* line :
         {"yihu_alerts{state=\"active\"} 1", "yihu_volunteers_connected 1", "yihu_connections{kind=\"websocket\"} 1",
          "yihu_pushes_total 1", "yihu_ack_latency_seconds_count 1", "# TYPE yihu_match_latency_seconds histogram"}) {
        EXPECT_NE(metrics.body.find(line), std::string::npos) << "missing: " << line << "\n" << metrics.body;
    }
}

}  // namespace
}  // namespace yihu::testing
