#include "net/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "common/http_client.h"
#include "common/ws_client.h"
#include "net/server_fixture.h"

namespace yihu::net::testing {
namespace {

using client::HttpClient;
using client::WsClient;

// Everything the handler saw, in one line: method|path|query|user-agent|content-type|token|body.
HttpResponse echo(const HttpRequest& request) {
    std::string query;
    for (const auto& [key, value] : request.query) query += key + "=" + value + ";";
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = request.method + "|" + request.path + "|" + query + "|" + request.header("user-agent") + "|" +
                    request.header("content-type") + "|" + request.bearer_token() + "|" + request.body;
    response.headers.emplace_back("X-Remote", request.remote);
    return response;
}

// Sends raw bytes on a fresh TCP connection, half-closes, and returns everything the server sends until it closes
// (at most 3 s).
std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    boost::asio::write(socket, boost::asio::buffer(bytes));
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_send);
    std::string received;
    boost::asio::async_read(socket, boost::asio::dynamic_buffer(received),
                            [](const boost::system::error_code&, std::size_t) {});
    io.run_for(3s);
    return received;
}

TEST_F(ServerTest, EchoesGetWithDecodedPathAndQuery) {
    http_ = [](HttpRequest request, Respond respond) { respond(echo(request)); };
    start();
    HttpClient client("127.0.0.1", port_);
    auto reply = client.request("GET", "/echo/a%20b?x=1&y=hello%20world&y=2&flag", {}, "tok-1");
    EXPECT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.body, "GET|/echo/a b|flag=;x=1;y=hello world;y=2;|yihu-client||tok-1|");
    EXPECT_EQ(reply.headers["content-type"], "text/plain");
    EXPECT_EQ(reply.headers["server"], "yihu");
}

TEST_F(ServerTest, EchoesPostBody) {
    http_ = [](HttpRequest request, Respond respond) { respond(echo(request)); };
    start();
    HttpClient client("127.0.0.1", port_);
    auto reply = client.request("POST", "/v1/alerts", R"({"kind":"drowning"})");
    EXPECT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.body, R"(POST|/v1/alerts||yihu-client|application/json||{"kind":"drowning"})");
}

TEST_F(ServerTest, HeadGetsTheLengthWithoutTheBody) {
    http_ = [](HttpRequest request, Respond respond) { respond(echo(request)); };
    start();
    HttpClient client("127.0.0.1", port_);
    auto head = client.request("HEAD", "/h");
    EXPECT_EQ(head.status, 200u);
    EXPECT_EQ(head.body, "");
    EXPECT_EQ(head.headers["content-length"], std::to_string(std::string("HEAD|/h||yihu-client|||").size()));
    // The connection is still in step: the next reply is read whole.
    EXPECT_EQ(client.request("GET", "/g").body, "GET|/g||yihu-client|||");
}

TEST_F(ServerTest, KeepsTheConnectionAliveAcrossRequests) {
    http_ = [](HttpRequest request, Respond respond) { respond(echo(request)); };
    start();
    HttpClient client("127.0.0.1", port_);
    std::string first_remote;
    for (int i = 0; i < 5; ++i) {
        auto reply = client.request("GET", "/n?i=" + std::to_string(i));
        ASSERT_EQ(reply.status, 200u);
        EXPECT_EQ(reply.body, "GET|/n|i=" + std::to_string(i) + ";|yihu-client|||");
        if (i == 0) first_remote = reply.headers["x-remote"];
        EXPECT_EQ(reply.headers["x-remote"], first_remote) << "request " << i << " came on another connection";
    }
    EXPECT_EQ(server_->http_connections(), 1u);
}

TEST_F(ServerTest, RespondsFromAnotherThread) {
    http_ = [this](HttpRequest request, Respond respond) {
        in_background([request = std::move(request), respond = std::move(respond)] {
            std::this_thread::sleep_for(10ms);
            respond(echo(request));
        });
    };
    start();
    HttpClient client("127.0.0.1", port_);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(client.request("GET", "/later").status, 200u);
}

TEST_F(ServerTest, HandlerThatThrowsGets500) {
    http_ = [](HttpRequest, Respond) { throw std::runtime_error("boom"); };
    start();
    HttpClient client("127.0.0.1", port_);
    auto reply = client.request("GET", "/boom");
    EXPECT_EQ(reply.status, 500u);
    EXPECT_NE(reply.body.find("\"test_error\":\"INTERNAL\""), std::string::npos) << reply.body;
}

TEST_F(ServerTest, OversizeBodyGets413WithTheAppErrorBodyAndClose) {
    http_ = [](HttpRequest request, Respond respond) { respond(echo(request)); };
    ServerOptions options;
    options.http_body_limit = 1024;
    start(options);
    HttpClient client("127.0.0.1", port_);
    auto reply = client.request("POST", "/big", std::string(64 * 1024, 'x'));
    EXPECT_EQ(reply.status, 413u);
    EXPECT_NE(reply.body.find("\"test_error\":\"FRAME_TOO_LARGE\""), std::string::npos) << reply.body;
    EXPECT_EQ(reply.headers["connection"], "close");
    // A body at the limit is fine, on a new connection.
    reply = client.request("POST", "/ok", std::string(1024, 'y'));
    EXPECT_EQ(reply.status, 200u);
}

TEST_F(ServerTest, GarbageGets400WithTheAppErrorBody) {
    http_ = [](HttpRequest request, Respond respond) { respond(echo(request)); };
    start();
    std::string received = raw_exchange(port_, std::string("\x01\x02 not http at all\r\n\r\n"));
    EXPECT_EQ(received.rfind("HTTP/1.1 400", 0), 0u) << received;
    EXPECT_NE(received.find("\"test_error\":\"MALFORMED_MESSAGE\""), std::string::npos) << received;
}

TEST_F(ServerTest, NoRouteGets404) {
    start();
    HttpClient client("127.0.0.1", port_);
    EXPECT_EQ(client.request("GET", "/nothing").status, 404u);
}

TEST_F(ServerTest, StopAcceptingRefusesNewConnectionsAndKeepsOpenOnes) {
    http_ = [](HttpRequest request, Respond respond) { respond(echo(request)); };
    start();
    HttpClient open_client("127.0.0.1", port_);
    ASSERT_EQ(open_client.request("GET", "/before").status, 200u);
    server_->stop_accepting();
    HttpClient new_client("127.0.0.1", port_);
    EXPECT_THROW(new_client.request("GET", "/after", {}, {}, 2000ms), std::runtime_error);
    EXPECT_EQ(open_client.request("GET", "/still").status, 200u);
}

TEST_F(ServerTest, AboveMaxConnectionsGets503) {
    auto record = std::make_shared<WsRecord>();
    accept_websockets(record, true);
    http_ = [](HttpRequest request, Respond respond) { respond(echo(request)); };
    ServerOptions options;
    options.max_connections = 1;
    start(options);
    auto ws = WsClient::connect("127.0.0.1", port_, "/ws");
    ASSERT_TRUE(eventually([&] { return record->opened == 1; }));
    HttpClient client("127.0.0.1", port_);
    auto reply = client.request("GET", "/full");
    EXPECT_EQ(reply.status, 503u);
    EXPECT_NE(reply.body.find("\"test_error\":\"UNAVAILABLE\""), std::string::npos) << reply.body;
    ws->close();
    ASSERT_TRUE(eventually([&] { return server_->websocket_connections() == 0; }));
    EXPECT_EQ(client.request("GET", "/room").status, 200u);
}

TEST_F(ServerTest, CloseAllClosesIdleKeepAliveConnections) {
    http_ = [](HttpRequest request, Respond respond) { respond(echo(request)); };
    start();
    HttpClient client("127.0.0.1", port_);
    ASSERT_EQ(client.request("GET", "/a").status, 200u);
    ASSERT_EQ(server_->http_connections(), 1u);
    server_->close_all(close_code::kGoingAway, "shutdown");
    EXPECT_TRUE(eventually([&] { return server_->http_connections() == 0; }));
}

TEST_F(ServerTest, CloseAllLetsTheResponseInProgressFinish) {
    std::atomic<bool> handling{false};
    std::atomic<bool> closed_all{false};
    // The response is written only after close_all has returned: it really was in progress when the server closed.
    http_ = [&](HttpRequest request, Respond respond) {
        handling = true;
        in_background([&closed_all, request = std::move(request), respond = std::move(respond)] {
            eventually([&] { return closed_all.load(); });
            respond(echo(request));
        });
    };
    start();
    HttpClient client("127.0.0.1", port_);
    in_background([&] {
        eventually([&] { return handling.load(); });
        server_->close_all(close_code::kGoingAway, "shutdown");
        closed_all = true;
    });
    auto reply = client.request("GET", "/slow");
    EXPECT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.headers["connection"], "close");
}

}  // namespace
}  // namespace yihu::net::testing
