#include "net/http_server.h"

#include <boost/asio/io_context.hpp>

#include "net/listener.h"
#include "net/server_state.h"

namespace yihu::net {

HttpServer::HttpServer(boost::asio::io_context& io, ServerOptions options, Routes routes)
    : io_(io),
      state_(std::make_shared<detail::ServerState>(std::move(options), std::move(routes))),
      listener_(std::make_shared<detail::Listener>(io_, state_)) {}

HttpServer::~HttpServer() {
    listener_->stop();
}

core::Result<std::uint16_t> HttpServer::listen() {
    return listener_->open();
}

void HttpServer::stop_accepting() {
    listener_->stop();
}

void HttpServer::close_all(std::uint16_t code, std::string reason) {
    state_->registry.close_all(code, reason);
}

std::size_t HttpServer::http_connections() const {
    return state_->http_count.load();
}

std::size_t HttpServer::websocket_connections() const {
    return state_->ws_count.load();
}

std::size_t HttpServer::unauthenticated_websockets() const {
    return state_->unauthenticated_count.load();
}

ServerCounters HttpServer::counters() const {
    const auto& s = *state_;
    return ServerCounters{
        .requests_rate_limited = s.requests_rate_limited.load(std::memory_order_relaxed),
        .connections_rate_limited = s.connections_rate_limited.load(std::memory_order_relaxed),
        .auth_timeouts = s.auth_timeouts.load(std::memory_order_relaxed),
        .unauthenticated_refused = s.unauthenticated_refused.load(std::memory_order_relaxed),
        .messages_too_large = s.messages_too_large.load(std::memory_order_relaxed),
    };
}

}  // namespace yihu::net
