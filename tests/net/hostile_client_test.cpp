// The listener's defences against strangers: the authentication deadline and its separate slots, the message limit
// counted as fragments arrive, and the rate limits by token and by address.

#include <gtest/gtest.h>

#include "common/http_client.h"
#include "common/ws_client.h"
#include "net/fragment_client.h"
#include "net/http_server.h"
#include "net/server_fixture.h"
#include "net/server_state.h"

namespace yihu::net::testing {
namespace {

using client::WsClient;
using client::WsUpgradeRefused;

// A handler that needs authentication and gets it from a first message "auth"; on a too-large message it says so.
class AuthHandler : public RecordingHandler {
  public:
    explicit AuthHandler(std::shared_ptr<WsRecord> record, std::atomic<std::size_t>* too_large_bytes = nullptr)
        : RecordingHandler(std::move(record), false), too_large_bytes_(too_large_bytes) {}
    bool needs_authentication() const override { return true; }
    void on_message(std::string_view data, bool binary) override {
        RecordingHandler::on_message(data, binary);
        // Its own connection: with several sockets open, the record's is whichever the server opened last.
        if (data == "auth") connection().authenticated();
    }
    void on_too_large(std::size_t bytes, bool binary) override {
        if (too_large_bytes_ != nullptr) too_large_bytes_->store(bytes);
        connection().send(Frame{std::make_shared<const std::string>("too large"), binary});
    }

  private:
    std::atomic<std::size_t>* too_large_bytes_;
};

class HostileClientTest : public ServerTest {
  protected:
    void accept_authenticating(std::shared_ptr<WsRecord> record, std::atomic<std::size_t>* too_large = nullptr) {
        websocket_ = [record, too_large](const HttpRequest&) -> std::variant<std::unique_ptr<WsHandler>, HttpResponse> {
            return std::make_unique<AuthHandler>(record, too_large);
        };
    }
};

TEST_F(HostileClientTest, UnauthenticatedSocketIsClosedAtTheDeadline) {
    auto record = std::make_shared<WsRecord>();
    accept_authenticating(record);
    ServerOptions options;
    options.auth_timeout = 300ms;
    start(options);
    auto silent = WsClient::connect("127.0.0.1", port_, "/ws");
    auto proven = WsClient::connect("127.0.0.1", port_, "/ws");
    proven->send("auth", false);
    ASSERT_TRUE(eventually([&] { return server_->unauthenticated_websockets() == 1; }));
    EXPECT_FALSE(silent->receive(5s));
    ASSERT_TRUE(silent->closed());
    EXPECT_EQ(silent->close_code(), close_code::kPolicyViolation);
    EXPECT_EQ(silent->close_reason(), "authentication timeout");
    EXPECT_EQ(server_->counters().auth_timeouts, 1u);
    // The authenticated one outlives the deadline.
    EXPECT_FALSE(proven->receive(600ms));
    EXPECT_FALSE(proven->closed());
    EXPECT_EQ(server_->unauthenticated_websockets(), 0u);
    proven->close();
}

TEST_F(HostileClientTest, UnauthenticatedSlotsAreBoundedApartFromTheTotal) {
    auto record = std::make_shared<WsRecord>();
    accept_authenticating(record);
    ServerOptions options;
    options.max_unauthenticated = 2;
    start(options);
    auto a = WsClient::connect("127.0.0.1", port_, "/ws");
    auto b = WsClient::connect("127.0.0.1", port_, "/ws");
    try {
        WsClient::connect("127.0.0.1", port_, "/ws");
        ADD_FAILURE() << "a third unauthenticated socket was accepted";
    } catch (const WsUpgradeRefused& refused) {
        EXPECT_EQ(refused.status(), 503u);
        EXPECT_NE(refused.body().find("UNAVAILABLE"), std::string::npos) << refused.body();
    }
    EXPECT_EQ(server_->counters().unauthenticated_refused, 1u);
    // Once one proves itself, its slot is free for the next stranger.
    a->send("auth", false);
    ASSERT_TRUE(eventually([&] { return server_->unauthenticated_websockets() == 1; }));
    auto c = WsClient::connect("127.0.0.1", port_, "/ws");
    EXPECT_EQ(server_->websocket_connections(), 3u);
    a->close();
    b->close();
    c->close();
}

TEST_F(HostileClientTest, FragmentsArePassedTheLimitAsTheyArriveAndTheHandlerSpeaksBeforeThe1009) {
    auto record = std::make_shared<WsRecord>();
    std::atomic<std::size_t> too_large{0};
    accept_authenticating(record, &too_large);
    ServerOptions options;
    options.ws_message_limit = 64 * 1024;
    start(options);
    FragmentClient client(port_, "/ws");
    const std::string piece(8 * 1024, 'x');
    // A message that never ends: 8 fragments fit, the 9th passes the limit.
    int sent = 0;
    while (sent < 64 && client.send_fragment(piece, true, 2s)) {
        ++sent;
        if (too_large.load() != 0) break;
    }
    FragmentClient::Outcome outcome = client.read_until_closed(5s);
    ASSERT_TRUE(outcome.closed);
    EXPECT_EQ(outcome.close_code, close_code::kTooBig);
    ASSERT_EQ(outcome.messages.size(), 1u);
    EXPECT_EQ(outcome.messages[0].first, "too large");
    // Never more than the limit and one byte held for the message.
    EXPECT_EQ(too_large.load(), 64u * 1024 + 1);
    EXPECT_EQ(record->messages, 0);
    EXPECT_EQ(server_->counters().messages_too_large, 1u);
    ASSERT_TRUE(eventually([&] { return server_->websocket_connections() == 0; }));
    EXPECT_EQ(record->closed, 1);
}

TEST_F(HostileClientTest, FragmentedMessageWithinTheLimitIsDeliveredWhole) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, true);
    ServerOptions options;
    options.ws_message_limit = 64 * 1024;
    start(options);
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    const std::string big(64 * 1024, 'q');  // exactly the limit, read in several pieces
    client->send(big, true);
    auto echoed = client->receive(3s);
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->data, big);
    client->send("small", false);
    echoed = client->receive(3s);
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->data, "small");
    EXPECT_FALSE(echoed->binary);
    client->close();
}

TEST_F(HostileClientTest, RequestsPerTokenBeyondTheRateGet429WithRetryAfter) {
    http_ = [](HttpRequest, Respond respond) { respond(HttpResponse{.body = "{}"}); };
    ServerOptions options;
    options.request_rate = RateLimit{.per_second = 1, .burst = 2};
    start(options);
    client::HttpClient http("127.0.0.1", port_);
    EXPECT_EQ(http.request("GET", "/x", {}, "token-a").status, 200u);
    EXPECT_EQ(http.request("GET", "/x", {}, "token-a").status, 200u);
    auto limited = http.request("GET", "/x", {}, "token-a");
    EXPECT_EQ(limited.status, 429u);
    EXPECT_EQ(limited.headers["retry-after"], "1");
    EXPECT_NE(limited.body.find("RATE_LIMITED"), std::string::npos) << limited.body;
    // The connection stays usable; other tokens and requests without one have their own budget.
    EXPECT_EQ(http.request("GET", "/x", {}, "token-b").status, 200u);
    EXPECT_EQ(http.request("GET", "/x").status, 200u);
    EXPECT_EQ(server_->counters().requests_rate_limited, 1u);
}

TEST_F(HostileClientTest, NewConnectionsPerAddressBeyondTheRateGet429) {
    http_ = [](HttpRequest, Respond respond) { respond(HttpResponse{.body = "{}"}); };
    ServerOptions options;
    options.connection_rate = RateLimit{.per_second = 1, .burst = 2};
    start(options);
    std::vector<unsigned> statuses;
    for (int i = 0; i < 3; ++i) {
        client::HttpClient http("127.0.0.1", port_);  // a new connection each
        auto reply = http.request("GET", "/x");
        statuses.push_back(reply.status);
        if (reply.status == 429) {
            EXPECT_EQ(reply.headers["retry-after"], "1");
        }
    }
    EXPECT_EQ(statuses, (std::vector<unsigned>{200, 200, 429}));
    EXPECT_EQ(server_->counters().connections_rate_limited, 1u);
}

TEST(RateKeyTest, IPv4IsItselfAndIPv6IsItsSlash64) {
    EXPECT_EQ(detail::rate_key_for_address("192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(detail::rate_key_for_address("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
    EXPECT_EQ(detail::rate_key_for_address("2001:db8:1:2::9"), detail::rate_key_for_address("2001:db8:1:2:ffff::1"));
    EXPECT_EQ(detail::rate_key_for_address("::ffff:192.0.2.7"), "192.0.2.7");
}

}  // namespace
}  // namespace yihu::net::testing
