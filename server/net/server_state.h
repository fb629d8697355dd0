#pragma once

// Internal to server/net: what the listener and every session share. Sessions hold it by shared_ptr, so it outlives
// the HttpServer while connections are open.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "net/http_server.h"

namespace yihu::net::detail {

// A connection that close_all can reach.
class Closable {
  public:
    virtual ~Closable() = default;
    // Any thread; the connection posts the work to its strand.
    virtual void shutdown(std::uint16_t code, const std::string& reason) = 0;
};

// The open connections, for close_all. Touched when a connection opens or closes, never per message.
class ConnectionRegistry {
  public:
    struct Closing {
        std::uint16_t code;
        std::string reason;
    };
    // Returns the id to remove it with. When close_all has already run, sets `closing` to its arguments: the
    // connection is then expected to wind down by itself (it may have a request in flight that deserves an answer).
    std::uint64_t add(const std::shared_ptr<Closable>& connection, std::optional<Closing>& closing);
    void remove(std::uint64_t id);
    void close_all(std::uint16_t code, const std::string& reason);

  private:
    std::mutex mutex_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::weak_ptr<Closable>> connections_;
    bool closing_ = false;
    std::uint16_t closing_code_ = 0;
    std::string closing_reason_;
};

// Holds one unit of a connection counter; gives it back once, at release() or destruction.
class ConnectionSlot {
  public:
    explicit ConnectionSlot(std::atomic<std::size_t>& counter) : counter_(&counter) { counter_->fetch_add(1); }
    // Adopts a unit the caller already added (after checking the counter's bound with the same fetch_add).
    struct Adopt {};
    ConnectionSlot(std::atomic<std::size_t>& counter, Adopt) : counter_(&counter) {}
    ~ConnectionSlot() { release(); }
    ConnectionSlot(const ConnectionSlot&) = delete;
    ConnectionSlot& operator=(const ConnectionSlot&) = delete;
    void release() {
        if (counter_ != nullptr) counter_->fetch_sub(1);
        counter_ = nullptr;
    }

  private:
    std::atomic<std::size_t>* counter_;
};

// Bounds the buckets a KeyedRateLimiter keeps (one per token or address seen recently).
inline constexpr std::size_t kMaxRateKeys = 100'000;

struct ServerState {
    ServerState(ServerOptions options_in, Routes routes_in)
        : options(std::move(options_in)),
          routes(std::move(routes_in)),
          request_limiter(options.request_rate, kMaxRateKeys),
          connection_limiter(options.connection_rate, kMaxRateKeys) {}

    // An error response in the app's format (or a small JSON one when the app gave none).
    HttpResponse error_response(unsigned status, std::string_view code, std::string message) const;
    // 429 RATE_LIMITED with a Retry-After header (whole seconds, rounded up).
    HttpResponse rate_limited_response(std::chrono::milliseconds retry_after, std::string message) const;
    std::size_t open_connections() const { return http_count.load() + ws_count.load() + refusing_count.load(); }

    const ServerOptions options;
    TlsContext* tls() const { return options.tls.get(); }
    const Routes routes;
    std::atomic<std::size_t> http_count{0};
    std::atomic<std::size_t> ws_count{0};
    std::atomic<std::size_t> refusing_count{0};         // sockets being told 503 (over max_connections) or 429
    std::atomic<std::size_t> unauthenticated_count{0};  // WebSockets waiting for WsConnection::authenticated()
    ConnectionRegistry registry;
    KeyedRateLimiter request_limiter;     // by bearer token
    KeyedRateLimiter connection_limiter;  // by client address
    // ServerCounters, one relaxed atomic each.
    std::atomic<std::uint64_t> requests_rate_limited{0};
    std::atomic<std::uint64_t> connections_rate_limited{0};
    std::atomic<std::uint64_t> auth_timeouts{0};
    std::atomic<std::uint64_t> unauthenticated_refused{0};
    std::atomic<std::uint64_t> messages_too_large{0};
};

// The key connection_rate counts under: the address for IPv4, the /64 prefix for IPv6 (one subscriber's block).
std::string rate_key_for_address(const std::string& address_text);

}  // namespace yihu::net::detail
