#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/ws_connection.h"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}  // namespace ssl
}  // namespace boost::asio

namespace yihu::net {

// Keeps one outbound WebSocket to a server open: dials, and after every failure or close dials again after a
// jittered exponential backoff (min_backoff doubling to max_backoff, each wait a uniformly random 50-100 % of the
// step, so many dialers that lost the same server do not return in step). Knows nothing of what flows over it.
struct DialOptions {
    std::string host;
    std::uint16_t port = 0;
    // More addresses of the same service (a cluster's nodes, of which one serves): after every failed dial the next
    // address in turn is tried (host:port first, then these in order, then host:port again).
    std::vector<std::pair<std::string, std::uint16_t>> more_endpoints;
    std::string target = "/";  // the request target of the upgrade
    std::chrono::milliseconds min_backoff{200};
    std::chrono::milliseconds max_backoff{30000};
    std::chrono::seconds handshake_timeout{10};
    // A WebSocket ping after half of it without traffic (the heartbeat), closed after all of it.
    std::chrono::seconds idle_timeout{30};
    std::size_t message_limit = 1 << 20;     // a larger incoming message closes the socket (1009)
    std::size_t send_queue_limit = 8 << 20;  // bytes queued and unwritten before the socket is closed
    // Set: dial TLS (wss://) with this client context; the server's certificate must also carry `host`
    // (expect_server_name). Null: plain TCP.
    std::shared_ptr<boost::asio::ssl::context> tls;
    // Called (on the dialer's strand) each time the TLS handshake fails: the peer's certificate was refused.
    std::function<void()> on_tls_refused;
};

class WsDialer {
  public:
    // Called on each dial: the upgrade request's extra headers (e.g. a freshly signed Authorization).
    using Headers = std::function<std::vector<std::pair<std::string, std::string>>()>;
    // Called for each successful connection: the handler that gets its on_open, on_message and on_closed (in order,
    // one at a time, on the connection's strand).
    using HandlerFactory = std::function<std::unique_ptr<WsHandler>()>;
    // Asked before each dial; false: skip this one and ask again after the backoff (e.g. a link exists already).
    using ShouldDial = std::function<bool()>;

    WsDialer(boost::asio::io_context& io, DialOptions options, Headers headers, HandlerFactory factory,
             ShouldDial should_dial = {});
    ~WsDialer();
    WsDialer(const WsDialer&) = delete;
    WsDialer& operator=(const WsDialer&) = delete;

    void start();
    // Stops dialling and closes the open connection (1001). Any thread; idempotent.
    void stop();

    class Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace yihu::net
