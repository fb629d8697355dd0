#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"
#include "net/http_message.h"
#include "net/rate_limiter.h"
#include "net/tls_context.h"
#include "net/ws_connection.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace yihu::net {

struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;              // 0: an ephemeral port (tests)
    std::size_t http_body_limit = 4 << 20;  // larger request bodies: 413, then the connection is closed
    // Largest WebSocket message, counted as its bytes arrive (fragments too): above it WsHandler::on_too_large, then
    // a close with 1009.
    std::size_t ws_message_limit = 1 << 20;
    std::size_t ws_send_queue_limit = 1 << 20;   // bytes queued per socket before it is closed (slow reader)
    std::chrono::seconds http_idle_timeout{30};  // reading a request, writing a response, keep-alive idle
    std::chrono::seconds handshake_timeout{10};  // WebSocket upgrade response and close handshake
    std::chrono::seconds ws_idle_timeout{60};    // a ping after half of it without traffic, closed after all of it
    // The process may hold 20,000 files; above this, accepted sockets get a 503 and are closed.
    std::size_t max_connections = 18000;
    // WebSockets whose handler needs authentication (WsHandler::needs_authentication) and has not had it: at most
    // this many at once (the upgrade is answered 503 beyond), each closed with 1008 after auth_timeout. Counted in
    // max_connections too.
    std::size_t max_unauthenticated = 1000;
    std::chrono::milliseconds auth_timeout{10000};
    // HTTP requests per bearer token (the Authorization header; requests without one are not counted). Beyond it:
    // 429 RATE_LIMITED with Retry-After, the connection kept. Disabled when per_second is 0.
    RateLimit request_rate;
    // New TCP connections per client address (IPv6: per /64). Beyond it: 429 RATE_LIMITED with Retry-After, then
    // the connection is closed. Disabled when per_second is 0 (behind a load balancer every client has its address).
    RateLimit connection_rate;
    // Set: every connection speaks TLS (HTTPS, WSS) with this context (make_server_tls_context), the handshake
    // bounded by handshake_timeout. Null: plain HTTP and WebSocket.
    std::shared_ptr<TlsContext> tls;
};

// What the listener refused or cut, since it started (for metrics).
struct ServerCounters {
    std::uint64_t requests_rate_limited = 0;     // 429 to an HTTP request (request_rate)
    std::uint64_t connections_rate_limited = 0;  // 429 to a new connection (connection_rate)
    std::uint64_t auth_timeouts = 0;             // unauthenticated WebSockets closed at auth_timeout
    std::uint64_t unauthenticated_refused = 0;   // upgrades refused 503: max_unauthenticated reached
    std::uint64_t messages_too_large = 0;        // WebSockets closed 1009 (ws_message_limit)
};

// Sends the response of one request: call exactly once, from any thread. Dropping it uncalled closes the connection.
using Respond = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest request, Respond respond)>;
// Decides about an upgrade request (any path): return a handler to accept it, or a response to refuse it (e.g.
// 401/404). Called on the connection's strand; it must not block. An accepted handler gets on_open once the 101
// response is written; if that fails (the client left), the handler is destroyed without on_open or on_closed.
using WsUpgrade = std::function<std::variant<std::unique_ptr<WsHandler>, HttpResponse>(const HttpRequest& request)>;
// The body of errors the listener produces itself (400 bad request, 413 too large, 429 rate limited, 431 headers too
// large, 503 when full): the app supplies its format. Arguments: HTTP status, a short machine code
// ("FRAME_TOO_LARGE", "MALFORMED_MESSAGE", "RATE_LIMITED", "UNAVAILABLE", "NOT_FOUND", "INTERNAL"), a message.
using ErrorBody = std::function<HttpResponse(unsigned status, std::string_view code, std::string message)>;

// Empty members fall back to: 404 for every request, every upgrade refused with 404, a small JSON error body.
// The routes are called on many connections' strands at once: they must be safe to call concurrently.
struct Routes {
    HttpHandler http;
    WsUpgrade websocket;
    ErrorBody error;
};

namespace detail {
struct ServerState;
class Listener;
}  // namespace detail

// An HTTP/1.1 + WebSocket listener. Each connection runs on its own strand, so all handler calls of one connection
// are sequential; different connections run in parallel on the threads that run the io_context. The server may be
// destroyed while connections are open: they keep the routes alive and carry on until they close.
class HttpServer {
  public:
    HttpServer(boost::asio::io_context& io, ServerOptions options, Routes routes);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts accepting; returns the bound port (useful with port 0). kUnavailable when the bind fails.
    core::Result<std::uint16_t> listen();
    // Closes the listening socket (new connections are refused by the OS); open connections carry on. Any thread.
    void stop_accepting();
    // WebSockets: flush queued frames, then a close frame with this code and reason. HTTP: close after the response
    // in progress (an idle keep-alive connection closes at once). Connections opened afterwards get the same
    // treatment, so call it once the node is going away (SIGTERM, kGoingAway). Any thread.
    void close_all(std::uint16_t code, std::string reason);

    std::size_t http_connections() const;            // open plain HTTP connections
    std::size_t websocket_connections() const;       // open WebSockets (from the upgrade until the socket is closed)
    std::size_t unauthenticated_websockets() const;  // of which still waiting for WsConnection::authenticated()
    ServerCounters counters() const;

  private:
    boost::asio::io_context& io_;
    std::shared_ptr<detail::ServerState> state_;
    std::shared_ptr<detail::Listener> listener_;
};

}  // namespace yihu::net
