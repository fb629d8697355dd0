#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

#include "common/ws_client.h"
#include "net/http_server.h"
#include "net/server_fixture.h"

namespace yihu::net::testing {
namespace {

using client::WsClient;
using client::WsUpgradeRefused;

std::shared_ptr<const std::string> text(std::string value) {
    return std::make_shared<const std::string>(std::move(value));
}

// Reads until the server closes (each read bounded); returns the messages that came before the close.
std::vector<WsClient::Received> drain_until_closed(WsClient& client, std::size_t max_messages = 100000) {
    std::vector<WsClient::Received> received;
    while (received.size() < max_messages) {
        auto message = client.receive(3s);
        if (!message) break;
        received.push_back(std::move(*message));
    }
    return received;
}

TEST_F(ServerTest, RefusedUpgradeReportsStatusAndBody) {
    websocket_ = [](const HttpRequest& request) -> std::variant<std::unique_ptr<WsHandler>, HttpResponse> {
        HttpResponse refusal;
        refusal.status = request.query_value("token").empty() ? 401 : 404;
        refusal.body = R"({"error":"no token"})";
        return refusal;
    };
    start();
    try {
        WsClient::connect("127.0.0.1", port_, "/v1/ws");
        FAIL() << "the upgrade was accepted";
    } catch (const WsUpgradeRefused& e) {
        EXPECT_EQ(e.status(), 401u);
        EXPECT_EQ(e.body(), R"({"error":"no token"})");
    }
}

TEST_F(ServerTest, UpgradeSeesPathQueryAndHeaders) {
    auto record = std::make_shared<WsRecord>();
    std::mutex mutex;
    std::string seen;
    websocket_ = [&, record](const HttpRequest& request) -> std::variant<std::unique_ptr<WsHandler>, HttpResponse> {
        std::lock_guard lock(mutex);
        seen = request.path + "|" + request.query_value("resume") + "|" + request.bearer_token();
        return std::make_unique<RecordingHandler>(record, true);
    };
    start();
    auto client =
        WsClient::connect("127.0.0.1", port_, "/v1/volunteer?resume=42", 5000ms, {{"Authorization", "Bearer abc.def"}});
    {
        std::lock_guard lock(mutex);
        EXPECT_EQ(seen, "/v1/volunteer|42|abc.def");
    }
    client->close();
}

TEST_F(ServerTest, EchoesBinaryAndTextFramesWithTheirOpcode) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, true);
    start();
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    const std::string binary("\x00\x01\xff proto", 9);
    client->send(binary, true);
    client->send(R"({"hello":"json"})", false);
    auto first = client->receive(3s);
    auto second = client->receive(3s);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->data, binary);
    EXPECT_TRUE(first->binary);
    EXPECT_EQ(second->data, R"({"hello":"json"})");
    EXPECT_FALSE(second->binary);
    {
        std::lock_guard lock(record->mutex);
        ASSERT_EQ(record->received.size(), 2u);
        EXPECT_TRUE(record->received[0].second);
        EXPECT_FALSE(record->received[1].second);
    }
    EXPECT_EQ(server_->websocket_connections(), 1u);
    EXPECT_EQ(server_->http_connections(), 0u);
    client->close();
    EXPECT_TRUE(client->closed());
    EXPECT_EQ(client->close_code(), close_code::kNormal);
    ASSERT_TRUE(eventually([&] { return server_->websocket_connections() == 0; }));
    EXPECT_EQ(record->opened, 1);
    EXPECT_EQ(record->closed, 1);
}

TEST_F(ServerTest, ReceiveTimesOutWithoutLosingTheNextMessage) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, true);
    start();
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    EXPECT_FALSE(client->receive(50ms));
    EXPECT_FALSE(client->closed());
    client->send("after the timeout", false);
    auto message = client->receive(3s);
    ASSERT_TRUE(message);
    EXPECT_EQ(message->data, "after the timeout");
    client->close();
}

TEST_F(ServerTest, FramesSentFromSeveralThreadsArriveInOrderPerThread) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, false);
    start();
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    ASSERT_TRUE(eventually([&] { return record->get_connection() != nullptr; }));
    auto connection = record->get_connection();
    constexpr int kThreads = 4;
    constexpr int kPerThread = 200;
    std::vector<std::thread> senders;
    for (int t = 0; t < kThreads; ++t) {
        senders.emplace_back([connection, t] {
            for (int i = 0; i < kPerThread; ++i) {
                connection->send(Frame{text(std::to_string(t) + ":" + std::to_string(i)), (i % 2) == 0});
            }
        });
    }
    for (auto& sender : senders) sender.join();
    std::map<int, int> next;  // thread -> the sequence expected next
    for (int n = 0; n < kThreads * kPerThread; ++n) {
        auto message = client->receive(3s);
        ASSERT_TRUE(message) << "after " << n << " messages";
        auto colon = message->data.find(':');
        int thread = std::stoi(message->data.substr(0, colon));
        int sequence = std::stoi(message->data.substr(colon + 1));
        EXPECT_EQ(sequence, next[thread]) << "thread " << thread;
        EXPECT_EQ(message->binary, (sequence % 2) == 0);
        next[thread] = sequence + 1;
    }
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kPerThread);
    connection.reset();
    client->close();
}

// A head in front of shared bytes, made when the connection writes it: records which thread that was.
class RecordingHead final : public FrameHead {
  public:
    explicit RecordingHead(std::string bytes) : bytes_(std::move(bytes)) {}
    std::string bytes(bool /*binary*/) const override {
        std::lock_guard lock(mutex_);
        made_on_.push_back(std::this_thread::get_id());
        return bytes_;
    }
    std::size_t size_hint() const override { return bytes_.size(); }
    std::vector<std::thread::id> made_on() const {
        std::lock_guard lock(mutex_);
        return made_on_;
    }

  private:
    std::string bytes_;
    mutable std::mutex mutex_;
    mutable std::vector<std::thread::id> made_on_;
};

TEST_F(ServerTest, AFrameWithAHeadIsOneMessageMadeOnTheConnectionsThread) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, false);
    start();
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    ASSERT_TRUE(eventually([&] { return record->get_connection() != nullptr; }));
    const auto connection = record->get_connection();
    const auto shared = text("|the shared body");
    const auto head_a = std::make_shared<const RecordingHead>("head-a");
    const auto head_b = std::make_shared<const RecordingHead>(std::string("\x00\x01b", 3));
    EXPECT_TRUE(connection->send(Frame{shared, false, head_a}));
    EXPECT_TRUE(connection->send(Frame{text("plain"), false}));
    EXPECT_TRUE(connection->send(Frame{shared, true, head_b}));
    EXPECT_TRUE(connection->send(Frame{nullptr, false, head_a}));  // a head alone
    std::vector<WsClient::Received> received;
    for (int i = 0; i < 4; ++i) {
        auto message = client->receive(3s);
        ASSERT_TRUE(message) << "after " << i << " messages";
        received.push_back(std::move(*message));
    }
    EXPECT_EQ(received[0].data, "head-a|the shared body");
    EXPECT_FALSE(received[0].binary);
    EXPECT_EQ(received[1].data, "plain");
    EXPECT_EQ(received[2].data, std::string("\x00\x01b", 3) + "|the shared body");
    EXPECT_TRUE(received[2].binary);
    EXPECT_EQ(received[3].data, "head-a");
    EXPECT_EQ(*shared, "|the shared body");  // written from, never written to
    // Made by the connection when it wrote them, not by the thread that called send().
    const auto made_a = head_a->made_on();
    ASSERT_EQ(made_a.size(), 2u);
    ASSERT_EQ(head_b->made_on().size(), 1u);
    for (const auto id : {made_a[0], made_a[1], head_b->made_on()[0]}) EXPECT_NE(id, std::this_thread::get_id());
    EXPECT_TRUE(eventually([&] { return connection->queued_bytes() == 0; }));  // the byte count balances
    client->close();
}

TEST_F(ServerTest, ServerCloseArrivesAfterQueuedFramesWithCodeAndReason) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, false, [](WsConnection& connection) {
        connection.send(Frame{text("one"), false});
        connection.send(Frame{text("two"), true});
        connection.send(Frame{text("three"), false});
        connection.close(4001, "bye");
        EXPECT_FALSE(connection.send(Frame{text("too late"), false}));
    });
    start();
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    auto received = drain_until_closed(*client);
    ASSERT_EQ(received.size(), 3u);
    EXPECT_EQ(received[0].data, "one");
    EXPECT_EQ(received[1].data, "two");
    EXPECT_TRUE(received[1].binary);
    EXPECT_EQ(received[2].data, "three");
    EXPECT_TRUE(client->closed());
    EXPECT_EQ(client->close_code(), 4001);
    EXPECT_EQ(client->close_reason(), "bye");
    ASSERT_TRUE(eventually([&] { return server_->websocket_connections() == 0; }));
    EXPECT_EQ(record->closed, 1);
}

TEST_F(ServerTest, OnClosedOnceWhenTheClientCloses) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, true);
    start();
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    ASSERT_TRUE(eventually([&] { return record->opened == 1; }));
    client->close(close_code::kNormal);
    ASSERT_TRUE(eventually([&] { return server_->websocket_connections() == 0; }));
    EXPECT_EQ(record->closed, 1);
    auto connection = record->get_connection();
    EXPECT_FALSE(connection->send(Frame{text("gone"), false}));
    connection->close(close_code::kNormal, "again");  // harmless
    EXPECT_EQ(record->closed, 1);
}

TEST_F(ServerTest, OnClosedOnceWhenTheClientVanishes) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, true);
    start();
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    client->send("hello", false);
    ASSERT_TRUE(client->receive(3s));
    client->abort();
    ASSERT_TRUE(eventually([&] { return server_->websocket_connections() == 0; }));
    EXPECT_EQ(record->closed, 1);
}

TEST_F(ServerTest, SlowReaderIsClosedWith1008AndTheQueueStaysBounded) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, false);
    ServerOptions options;
    options.ws_send_queue_limit = 256 * 1024;
    options.handshake_timeout = 5s;
    start(options);
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    ASSERT_TRUE(eventually([&] { return record->get_connection() != nullptr; }));
    auto connection = record->get_connection();
    const auto frame = text(std::string(16 * 1024, 'p'));

    // Push while the socket drains, until the client (which does not read) lets the kernel buffers fill up and the
    // queue stops draining; then keep pushing into the full queue.
    std::size_t accepted = 0;
    std::size_t max_queued = 0;
    std::size_t last_queued = 0;
    auto last_progress = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - last_progress < 300ms && accepted < 4096) {
        std::size_t queued = connection->queued_bytes();
        max_queued = std::max(max_queued, queued);
        if (queued < last_queued || queued == 0) last_progress = std::chrono::steady_clock::now();
        last_queued = queued;
        if (queued + frame->size() <= options.ws_send_queue_limit / 2) {
            ASSERT_TRUE(connection->send(Frame{frame, true}));
            ++accepted;
        } else {
            std::this_thread::sleep_for(1ms);
        }
    }
    std::size_t refused_after = 0;
    while (connection->send(Frame{frame, true})) {
        ++accepted;
        ASSERT_LT(++refused_after, 1000u) << "the queue limit never refused a frame";
        max_queued = std::max(max_queued, connection->queued_bytes());
    }
    EXPECT_LE(max_queued, options.ws_send_queue_limit);
    EXPECT_FALSE(connection->send(Frame{frame, true}));  // closing now

    // The client reads again: what the kernel held, then the close frame.
    auto received = drain_until_closed(*client);
    EXPECT_TRUE(client->closed());
    EXPECT_EQ(client->close_code(), close_code::kPolicyViolation);
    EXPECT_EQ(client->close_reason(), "backpressure");
    EXPECT_GT(received.size(), 0u);
    EXPECT_LE(received.size(), accepted);
    ASSERT_TRUE(eventually([&] { return server_->websocket_connections() == 0; }));
    EXPECT_EQ(connection->queued_bytes(), 0u);
    EXPECT_EQ(record->closed, 1);
}

TEST_F(ServerTest, MessageAboveTheHardLimitClosesWith1009) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, true);
    ServerOptions options;
    options.ws_message_limit = 64 * 1024;
    start(options);
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    client->send(std::string(64 * 1024, 'a'), true);  // at the limit: echoed
    auto echoed = client->receive(3s);
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->data.size(), 64u * 1024);
    client->send(std::string(64 * 1024 + 1, 'b'), true);
    EXPECT_FALSE(client->receive(3s));
    EXPECT_TRUE(client->closed());
    EXPECT_EQ(client->close_code(), close_code::kTooBig) << client->close_reason();
    ASSERT_TRUE(eventually([&] { return server_->websocket_connections() == 0; }));
    EXPECT_EQ(record->messages, 1);
    EXPECT_EQ(record->closed, 1);
}

TEST_F(ServerTest, CloseAllClosesEveryWebSocketWithGoingAway) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, true);
    start();
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < 3; ++i) clients.push_back(WsClient::connect("127.0.0.1", port_, "/ws"));
    clients[0]->send("queued before the close", false);
    ASSERT_TRUE(eventually([&] { return record->messages == 1; }));
    ASSERT_EQ(server_->websocket_connections(), 3u);
    server_->close_all(close_code::kGoingAway, "restarting");
    for (auto& client : clients) {
        drain_until_closed(*client);
        EXPECT_TRUE(client->closed());
        EXPECT_EQ(client->close_code(), close_code::kGoingAway);
        EXPECT_EQ(client->close_reason(), "restarting");
    }
    ASSERT_TRUE(eventually([&] { return server_->websocket_connections() == 0; }));
    EXPECT_EQ(record->opened, 3);
    EXPECT_EQ(record->closed, 3);
    // Sockets that arrive later are sent away too.
    auto late = WsClient::connect("127.0.0.1", port_, "/ws");
    drain_until_closed(*late);
    EXPECT_EQ(late->close_code(), close_code::kGoingAway);
    ASSERT_TRUE(eventually([&] { return record->closed == 4; }));
}

TEST_F(ServerTest, StopAcceptingKeepsOpenWebSocketsWorking) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, true);
    start();
    auto client = WsClient::connect("127.0.0.1", port_, "/ws");
    server_->stop_accepting();
    EXPECT_THROW(WsClient::connect("127.0.0.1", port_, "/ws", 2000ms), std::runtime_error);
    client->send("still here", false);
    auto message = client->receive(3s);
    ASSERT_TRUE(message);
    EXPECT_EQ(message->data, "still here");
    client->close();
}

}  // namespace
}  // namespace yihu::net::testing
