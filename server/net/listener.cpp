#include "net/listener.h"

#include <spdlog/spdlog.h>

#include <boost/asio/strand.hpp>

#include "net/http_session.h"

namespace yihu::net::detail {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// After EMFILE/ENFILE the pending connection stays in the backlog; accepting again at once would spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

Listener::Listener(asio::io_context& io, std::shared_ptr<ServerState> state)
    : io_(io), state_(std::move(state)), acceptor_(io), retry_timer_(io) {}

core::Result<std::uint16_t> Listener::open() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(state_->options.address, ec);
    if (ec) {
        return core::make_error(core::ErrorCode::kInvalidArgument,
                                "listen address '" + state_->options.address + "': " + ec.message());
    }
    tcp::endpoint endpoint(address, state_->options.port);
    std::lock_guard lock(mutex_);
    if (stopped_) return core::make_error(core::ErrorCode::kUnavailable, "the listener was stopped");
    auto fail = [&](const char* what) -> core::Result<std::uint16_t> {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        return core::make_error(core::ErrorCode::kUnavailable,
                                std::string(what) + " " + endpoint.address().to_string() + ":" +
                                    std::to_string(endpoint.port()) + ": " + ec.message());
    };
    if (acceptor_.open(endpoint.protocol(), ec)) return fail("open");
    if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec)) return fail("reuse_address");
    if (acceptor_.bind(endpoint, ec)) return fail("bind");
    if (acceptor_.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
    std::uint16_t port = acceptor_.local_endpoint(ec).port();
    if (ec) return fail("local_endpoint");
    spdlog::info("listening on {}:{}", endpoint.address().to_string(), port);
    accept_next();
    return port;
}

void Listener::stop() {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
}

void Listener::accept_next() {
    // Each connection gets its own strand: its handlers never run concurrently, without a lock.
    acceptor_.async_accept(asio::make_strand(io_),
                           [self = shared_from_this()](const boost::system::error_code& error, tcp::socket socket) {
                               self->on_accept(error, std::move(socket));
                           });
}

void Listener::on_accept(const boost::system::error_code& error, tcp::socket socket) {
    std::lock_guard lock(mutex_);
    if (stopped_ || error == asio::error::operation_aborted) return;
    if (error) {
        spdlog::warn("accept: {}", error.message());
        retry_timer_.expires_after(kAcceptRetryDelay);
        retry_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& timer_error) {
            std::lock_guard lock(self->mutex_);
            if (!timer_error && !self->stopped_) self->accept_next();
        });
        return;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small real-time frames should not wait for Nagle
    std::optional<HttpResponse> refusal;
    if (state_->open_connections() >= state_->options.max_connections) {
        refusal = state_->error_response(503, "UNAVAILABLE", "the server is at its connection limit");
    } else if (state_->connection_limiter.enabled()) {
        boost::system::error_code endpoint_error;
        const auto endpoint = socket.remote_endpoint(endpoint_error);
        if (!endpoint_error) {
            const RateDecision decision = state_->connection_limiter.take(
                rate_key_for_address(endpoint.address().to_string()), std::chrono::steady_clock::now());
            if (!decision.allowed) {
                state_->connections_rate_limited.fetch_add(1, std::memory_order_relaxed);
                refusal = state_->rate_limited_response(decision.retry_after, "too many new connections from here");
            }
        }
    }
    if (state_->tls()) {
        HttpSession<TlsStream>::create(state_, std::move(socket), std::move(refusal));
    } else {
        HttpSession<PlainStream>::create(state_, std::move(socket), std::move(refusal));
    }
    accept_next();
}

}  // namespace yihu::net::detail
