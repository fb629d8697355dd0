#pragma once

// A real HttpServer on 127.0.0.1 (an ephemeral port), its io_context run by two threads, and handlers the tests
// write themselves.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "net/http_server.h"

namespace yihu::net::testing {

using namespace std::chrono_literals;

// Polls until `condition` holds or the limit passes; tests assert the outcome, never how long it took.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

// The app's error format in these tests: recognisable, so a test can tell it was used.
inline HttpResponse test_error_body(unsigned status, std::string_view code, std::string message) {
    HttpResponse response;
    response.status = status;
    response.body = "{\"test_error\":\"" + std::string(code) + "\",\"message\":\"" + message + "\"}";
    return response;
}

// What the server-side handler of one WebSocket saw. Shared with the test, since the server destroys the handler
// after on_closed.
struct WsRecord {
    std::atomic<int> opened{0};
    std::atomic<int> closed{0};
    std::atomic<int> messages{0};
    std::mutex mutex;
    std::vector<std::pair<std::string, bool>> received;
    std::shared_ptr<WsConnection> connection;

    std::shared_ptr<WsConnection> get_connection() {
        std::lock_guard lock(mutex);
        return connection;
    }
};

class RecordingHandler : public WsHandler {
  public:
    using OnOpen = std::function<void(WsConnection&)>;
    RecordingHandler(std::shared_ptr<WsRecord> record, bool echo, OnOpen on_open = {})
        : record_(std::move(record)), echo_(echo), on_open_(std::move(on_open)) {}

    void on_open(std::shared_ptr<WsConnection> connection) override {
        ++record_->opened;
        connection_ = connection;
        {
            std::lock_guard lock(record_->mutex);
            record_->connection = connection;
        }
        if (on_open_) on_open_(*connection);
    }
    void on_message(std::string_view data, bool binary) override {
        {
            std::lock_guard lock(record_->mutex);
            record_->received.emplace_back(std::string(data), binary);
        }
        ++record_->messages;
        if (echo_) connection_->send(Frame{std::make_shared<const std::string>(data), binary});
    }
    void on_closed() override { ++record_->closed; }

  protected:
    // This handler's own connection (the record's is whichever opened last).
    WsConnection& connection() { return *connection_; }

  private:
    std::shared_ptr<WsRecord> record_;
    bool echo_;
    OnOpen on_open_;
    std::shared_ptr<WsConnection> connection_;
};

class ServerTest : public ::testing::Test {
  protected:
    // Set http_ and websocket_ first; options.port is forced to 0.
    void start(ServerOptions options = {}) {
        options.port = 0;
        Routes routes;
        if (http_) routes.http = http_;
        if (websocket_) routes.websocket = websocket_;
        routes.error = test_error_body;
        server_ = std::make_unique<HttpServer>(io_, std::move(options), std::move(routes));
        auto port = server_->listen();
        ASSERT_TRUE(port.ok()) << port.error().message;
        port_ = *port;
        for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    }

    // A WebSocket route that accepts every upgrade with a RecordingHandler on `record`.
    void accept_websockets(std::shared_ptr<WsRecord> record, bool echo, RecordingHandler::OnOpen on_open = {}) {
        websocket_ = [record, echo,
                      on_open](const HttpRequest&) -> std::variant<std::unique_ptr<WsHandler>, HttpResponse> {
            return std::make_unique<RecordingHandler>(record, echo, on_open);
        };
    }

    // Runs `work` on a thread of the test's own, joined before the server is checked and stopped.
    void in_background(std::function<void()> work) {
        std::lock_guard lock(workers_mutex_);
        workers_.emplace_back(std::move(work));
    }

    void TearDown() override {
        {
            std::lock_guard lock(workers_mutex_);
            for (auto& worker : workers_) worker.join();
            workers_.clear();
        }
        if (server_) {
            // Every test closes what it opened: the counters must come back to zero.
            EXPECT_TRUE(eventually([&] {
                return server_->http_connections() == 0 && server_->websocket_connections() == 0;
            })) << "http "
                << server_->http_connections() << ", ws " << server_->websocket_connections();
            server_->stop_accepting();
        }
        work_.reset();
        io_.stop();
        for (auto& thread : threads_) thread.join();
        server_.reset();
    }

    boost::asio::io_context io_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
    std::vector<std::thread> threads_;
    std::mutex workers_mutex_;
    std::vector<std::thread> workers_;
    std::unique_ptr<HttpServer> server_;
    std::uint16_t port_ = 0;
    HttpHandler http_;
    WsUpgrade websocket_;
};

}  // namespace yihu::net::testing
