// A stranger's tricks against a whole node: sockets that never say Hello, garbage first, messages that never end,
// floods of positions and requests, ids no client should send, devices without a place.

#include "net/fragment_client.h"
#include "node_harness.h"

namespace yihu::testing {
namespace {

v1::ServerMessage expect_error(Phone& p, v1::ErrorCode code, bool fatal) {
    auto m = p.next_of(v1::ServerMessage::kError);
    EXPECT_TRUE(m) << "no error for " << v1::ErrorCode_Name(code);
    if (!m) return {};
    EXPECT_EQ(m->error().code(), code) << m->error().message();
    EXPECT_EQ(m->error().fatal(), fatal);
    return *m;
}

void expect_closed(Phone& p, std::uint16_t code) {
    for (int i = 0; i < 50 && !p.ws().closed(); ++i) p.ws().receive(100ms);
    ASSERT_TRUE(p.ws().closed());
    EXPECT_EQ(p.ws().close_code(), code) << p.ws().close_reason();
}

double metric(client::HttpClient& http, const std::string& series) {
    const auto r = http.request("GET", "/metrics");
    const auto at = r.body.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(r.body.substr(at + series.size() + 2));
}

v1::ClientMessage position_at(core::geo::LatLng where) {
    v1::ClientMessage m;
    m.mutable_position()->mutable_position()->mutable_location()->set_latitude(where.lat);
    m.mutable_position()->mutable_position()->mutable_location()->set_longitude(where.lon);
    m.mutable_position()->mutable_position()->set_accuracy_m(10);
    return m;
}

TEST_F(NodeTest, SocketWithoutHelloIsClosedAtTheDeadline) {
    restart([](ops::Config& c) { c.limits.hello_timeout = 300ms; });
    Phone silent(node_->port(), false);
    expect_closed(silent, 1008);
    EXPECT_EQ(silent.ws().close_reason(), "authentication timeout");
    // A phone that says Hello in time stays past it.
    auto p = phone("v-1", near_lake(100, 0));
    EXPECT_FALSE(p->next(600ms));
    EXPECT_FALSE(p->ws().closed());
    EXPECT_EQ(metric(*http_, "yihu_websocket_auth_timeouts_total"), 1);
}

TEST_F(NodeTest, GarbageBeforeHelloIsFatal) {
    for (bool json : {false, true}) {
        Phone p(node_->port(), json);
        p.send_raw(json ? "{not json" : "\xff\xff\xff garbage", !json);
        expect_error(p, v1::ERROR_CODE_UNAUTHENTICATED, true);
        expect_closed(p, 1008);
    }
}

TEST_F(NodeTest, StrangersHoldAtMostHalfTheConnections) {
    restart([](ops::Config& c) {
        c.limits.max_connections = 8;  // 4 for strangers
        c.limits.hello_timeout = 60s;
    });
    std::vector<std::unique_ptr<Phone>> strangers;
    for (int i = 0; i < 4; ++i) strangers.push_back(std::make_unique<Phone>(node_->port(), false));
    try {
        Phone fifth(node_->port(), false);
        ADD_FAILURE() << "a fifth unauthenticated socket was accepted";
    } catch (const client::WsUpgradeRefused& refused) {
        EXPECT_EQ(refused.status(), 503u);
    }
    // The node still answers: health checks and dispatchers have the other half.
    EXPECT_EQ(http_->request("GET", "/healthz").status, 200u);
    EXPECT_EQ(call("GET", "/v1/alerts").status, 200u);
    // A stranger that authenticates frees its slot for a real phone.
    strangers[0]->hello(volunteer_token("v-1"), near_lake(100, 0));
    auto real = phone("v-2", near_lake(100, 0));
    EXPECT_FALSE(real->ws().closed());
}

TEST_F(NodeTest, FragmentsBeforeHelloGetFrameTooLargeAsTheyPassTheLimit) {
    // The default limit is 64 KiB; before, Beast buffered about 1 MiB of fragments per socket.
    net::testing::FragmentClient client(node_->port(), "/v1/volunteer");
    const std::string piece(8 * 1024, 'x');
    for (int i = 0; i < 9; ++i) ASSERT_TRUE(client.send_fragment(piece, true)) << i;
    auto outcome = client.read_until_closed(5s);
    ASSERT_TRUE(outcome.closed);
    EXPECT_EQ(outcome.close_code, 1009);
    ASSERT_EQ(outcome.messages.size(), 1u);
    v1::ServerMessage m;
    ASSERT_TRUE(m.ParseFromString(outcome.messages[0].first));
    EXPECT_EQ(m.error().code(), v1::ERROR_CODE_FRAME_TOO_LARGE);
    EXPECT_TRUE(m.error().fatal());
}

TEST_F(NodeTest, HugeFrameGetsFrameTooLargeBefore1009) {
    // 2 MiB in one frame: before, Beast's own limit (1 MiB) closed with 1009 and no error.
    auto p = phone("v-1", near_lake(100, 0));
    p->send_raw(std::string(2 << 20, 'x'), true);
    expect_error(*p, v1::ERROR_CODE_FRAME_TOO_LARGE, true);
    expect_closed(*p, 1009);
}

TEST_F(NodeTest, PositionFloodIsRateLimitedOnTheConnection) {
    restart([](ops::Config& c) {
        c.limits.position_rate = 1;
        c.limits.position_burst = 3;
    });
    auto p = phone("v-1", near_lake(100, 0));
    v1::ClientMessage ping;
    ping.mutable_ping();
    ASSERT_TRUE(p->request(ping));  // the Hello's position has reached the hub
    const double before = metric(*http_, "yihu_position_updates_total");
    for (int i = 0; i < 20; ++i) p->send(position_at(near_lake(100 + i, 0)));
    // One RATE_LIMITED for the streak of fire-and-forget positions, with advice on when to retry.
    const v1::ServerMessage limited = expect_error(*p, v1::ERROR_CODE_RATE_LIMITED, false);
    EXPECT_GT(limited.error().retry_after_ms(), 0u);
    auto pong = p->request(ping);  // other messages have their own budget
    ASSERT_TRUE(pong && pong->has_pong());
    for (const auto& m : p->skipped) EXPECT_FALSE(m.has_error()) << "a second error: " << m.error().message();
    // The burst (and what refilled meanwhile, at one a second) went to the hub; the rest never did.
    const double limited_count = metric(*http_, "yihu_rate_limited_total{what=\"position\"}");
    const double applied = metric(*http_, "yihu_position_updates_total") - before;
    EXPECT_GE(limited_count, 10);
    EXPECT_EQ(limited_count + applied, 20);
}

TEST_F(NodeTest, RequestsWithARequestIdEachGetTheirRateLimitedReply) {
    restart([](ops::Config& c) {
        c.limits.request_rate = 1;
        c.limits.request_burst = 2;
    });
    auto p = phone("v-1", near_lake(100, 0));
    int pongs = 0;
    int limited = 0;
    for (int i = 0; i < 5; ++i) {
        v1::ClientMessage ping;
        ping.mutable_ping();
        auto r = p->request(ping);
        ASSERT_TRUE(r);
        if (r->has_pong()) ++pongs;
        if (r->has_error() && r->error().code() == v1::ERROR_CODE_RATE_LIMITED) ++limited;
    }
    EXPECT_GE(pongs, 2);  // the burst, and one more for each second the loop took
    EXPECT_GE(limited, 1);
    EXPECT_EQ(pongs + limited, 5);
}

TEST_F(NodeTest, HttpRequestsPerTokenBeyondTheRateGet429) {
    restart([](ops::Config& c) {
        c.limits.request_rate = 1;
        c.limits.request_burst = 2;
    });
    EXPECT_EQ(call("GET", "/v1/alerts").status, 200u);
    EXPECT_EQ(call("GET", "/v1/alerts").status, 200u);
    client::HttpClient::Reply r;
    for (int i = 0; i < 10 && r.status != 429; ++i) r = call("GET", "/v1/alerts");
    ASSERT_EQ(r.status, 429u);
    EXPECT_EQ(r.headers["retry-after"], "1");
    v1::ErrorBody body;
    ASSERT_TRUE(api::parse_json(r.body, body).ok()) << r.body;
    EXPECT_EQ(body.code(), v1::ERROR_CODE_RATE_LIMITED);
    // Another dispatcher is not held up by this one.
    const std::string other = mint(node_->token_secret(), api::Role::kDispatcher, "d-2");
    EXPECT_EQ(http_->request("GET", "/v1/alerts", "", other).status, 200u);
    EXPECT_EQ(metric(*http_, "yihu_rate_limited_total{what=\"http_request\"}"),
              1);  // the loop stopped at the first 429
}

TEST_F(NodeTest, AlertIdsNoClientShouldSendAreRefused) {
    auto p = phone("v-1", near_lake(100, 0));
    // Well-formed UTF-8 with a NUL, a control character, 5,000 bytes: INVALID_ARGUMENT. Invalid UTF-8: the binary
    // protobuf decoder refuses the whole message (MALFORMED_MESSAGE), and libprotobuf's complaint stays at debug.
    const std::vector<std::pair<std::string, v1::ErrorCode>> cases = {
        {std::string("a\0b", 3), v1::ERROR_CODE_INVALID_ARGUMENT}, {"a\x01", v1::ERROR_CODE_INVALID_ARGUMENT},
        {std::string(5000, 'a'), v1::ERROR_CODE_INVALID_ARGUMENT}, {"a\xc3", v1::ERROR_CODE_MALFORMED_MESSAGE},
        {"\xed\xa0\x80", v1::ERROR_CODE_MALFORMED_MESSAGE},
    };
    for (const auto& [id, code] : cases) {
        v1::ClientMessage m;
        m.mutable_respond()->set_kind(v1::RESPONSE_KIND_ACCEPT);
        // Binary protobuf would refuse invalid UTF-8 as a whole message; build the frame with the id's bytes as-is.
        m.mutable_respond()->mutable_alert_id()->assign(id);
        m.set_request_id(9);
        std::string frame;
        ASSERT_TRUE(m.SerializePartialToString(&frame));
        p->send_raw(frame, true);
        auto r = p->next_of(v1::ServerMessage::kError);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->error().code(), code) << r->error().message();
        EXPECT_FALSE(r->error().fatal());
    }
}

TEST_F(NodeTest, DeviceWithoutAPositionIsRefused) {
    auto r = call("PUT", "/v1/devices/hut-9", R"({"name":"Hut 9","policy":{"alertKind":"ALERT_KIND_DROWNING"}})");
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_NE(r.body.find("position"), std::string::npos) << r.body;
    auto list = call("GET", "/v1/devices");
    EXPECT_EQ(list.body.find("hut-9"), std::string::npos) << list.body;
}

}  // namespace
}  // namespace yihu::testing
