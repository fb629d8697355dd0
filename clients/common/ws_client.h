#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yihu::client {

// The server answered the upgrade request with an HTTP status instead of 101 (401, 404, 503...).
class WsUpgradeRefused : public std::runtime_error {
  public:
    WsUpgradeRefused(unsigned status, std::string body);
    unsigned status() const { return status_; }
    const std::string& body() const { return body_; }

  private:
    unsigned status_;
    std::string body_;
};

// A synchronous WebSocket client for tools and tests. Every call has a deadline. Not thread-safe: one caller at a
// time.
//
// The socket is read only while one of this client's calls runs (receive, send, close): a caller that stops calling
// receive() stops reading, and the server sees a slow reader (what backpressure tests need). Messages that arrive
// during send() are kept for the next receive().
class WsClient {
  public:
    struct Received {
        std::string data;
        bool binary = false;
    };

    // Connects and upgrades; `target` is the request target ("/v1/ws?x=1"), `extra_headers` go on the upgrade
    // request (e.g. {"Authorization", "Bearer ..."}). Throws WsUpgradeRefused when the server answers with another
    // status, std::runtime_error when it cannot be reached or the timeout passes.
    static std::unique_ptr<WsClient> connect(std::string_view host, std::uint16_t port, std::string_view target,
                                             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                                             std::vector<std::pair<std::string, std::string>> extra_headers = {});
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    // Sends one message (a binary or a text frame). Throws std::runtime_error when the socket is closed, the write
    // fails, or the timeout passes (the connection is dropped then).
    void send(std::string_view data, bool binary, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    // The next message; nullopt when none arrived within the timeout, or when the connection is closed (then
    // closed() is true). Messages received before the close are all returned first.
    std::optional<Received> receive(std::chrono::milliseconds timeout);

    // True once the connection has ended and every message received before the end has been returned.
    bool closed() const;
    // After closed(): the code and reason of the close frame received, or 1006 and a description when the
    // connection ended without one.
    std::uint16_t close_code() const;
    std::string close_reason() const;

    // The close handshake with this code (waits for the server's close frame, up to the timeout).
    void close(std::uint16_t code = 1000, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    // Drops the TCP connection without a close frame: a phone that vanishes.
    void abort();

  private:
    struct Impl;
    explicit WsClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace yihu::client
