#include "common/ws_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

#include "common/sync_run.h"

namespace yihu::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using detail::Clock;

namespace {

constexpr std::size_t kMaxMessage = 64 << 20;
constexpr std::uint16_t kAbnormalClosure = 1006;  // RFC 6455 section 7.4.1: never sent, reported locally
constexpr std::uint16_t kNoStatus = 1005;

}  // namespace

WsUpgradeRefused::WsUpgradeRefused(unsigned status, std::string body)
    : std::runtime_error("WebSocket upgrade refused with HTTP " + std::to_string(status) + ": " + body),
      status_(status),
      body_(std::move(body)) {}

struct WsClient::Impl {
    asio::io_context io;
    websocket::stream<beast::tcp_stream, false> ws{io};  // no permessage-deflate, like the server
    beast::flat_buffer read_buffer;
    std::deque<Received> inbox;
    // One read stays outstanding from the first receive() on and is never cancelled: cancelling a Beast read can
    // leave the stream unusable, and a read that is merely not driven loses nothing.
    bool reading = false;
    bool closed = false;
    bool closing_locally = false;  // close() reports the outcome, not the read it ends
    std::uint16_t code = 0;
    std::string reason;

    void mark_closed(const boost::system::error_code& error) {
        if (closed) return;
        closed = true;
        if (error == websocket::error::closed) {
            const auto& received = ws.reason();
            code = received.code != 0 ? received.code : kNoStatus;
            reason.assign(received.reason.data(), received.reason.size());
        } else {
            code = kAbnormalClosure;
            reason = error.message();
        }
    }

    void start_read() {
        if (reading || closed) return;
        reading = true;
        ws.async_read(read_buffer, [this](const boost::system::error_code& error, std::size_t bytes) {
            reading = false;
            if (error) {
                if (!closing_locally) mark_closed(error);
                return;
            }
            inbox.push_back(Received{beast::buffers_to_string(read_buffer.cdata()), ws.got_binary()});
            read_buffer.consume(bytes);
            start_read();
        });
    }

    void drop_socket() { beast::get_lowest_layer(ws).close(); }
};

WsClient::WsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WsClient::~WsClient() {
    if (!impl_->closed) impl_->drop_socket();
    // Let the aborted operations complete while impl_ is whole; poll() never waits for Beast's pending timer.
    impl_->io.restart();
    impl_->io.poll();
}

std::unique_ptr<WsClient> WsClient::connect(std::string_view host, std::uint16_t port, std::string_view target,
                                            std::chrono::milliseconds timeout,
                                            std::vector<std::pair<std::string, std::string>> extra_headers) {
    auto impl = std::make_unique<Impl>();
    const auto deadline = Clock::now() + timeout;
    const std::string where = std::string(host) + ":" + std::to_string(port);
    boost::system::error_code error;
    bool done = false;

    tcp::resolver resolver(impl->io);
    tcp::resolver::results_type endpoints;
    resolver.async_resolve(host, std::to_string(port),
                           [&](const boost::system::error_code& e, tcp::resolver::results_type results) {
                               error = e;
                               endpoints = std::move(results);
                               done = true;
                           });
    if (!detail::run_or_cancel(
            impl->io, deadline, [&] { return done; }, [&] { resolver.cancel(); })) {
        throw std::runtime_error("resolve " + std::string(host) + ": timed out");
    }
    if (error) throw std::runtime_error("resolve " + std::string(host) + ": " + error.message());

    done = false;
    beast::get_lowest_layer(impl->ws).async_connect(endpoints,
                                                    [&](const boost::system::error_code& e, const tcp::endpoint&) {
                                                        error = e;
                                                        done = true;
                                                    });
    if (!detail::run_or_cancel(
            impl->io, deadline, [&] { return done; }, [&] { impl->drop_socket(); })) {
        throw std::runtime_error("connect to " + where + ": timed out");
    }
    if (error) throw std::runtime_error("connect to " + where + ": " + error.message());

    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.handshake_timeout = timeout;
    impl->ws.set_option(timeouts);
    impl->ws.set_option(
        websocket::stream_base::decorator([headers = std::move(extra_headers)](websocket::request_type& request) {
            request.set(beast::http::field::user_agent, "yihu-client");
            for (const auto& [name, value] : headers) request.set(name, value);
        }));
    impl->ws.read_message_max(kMaxMessage);
    impl->ws.auto_fragment(false);

    websocket::response_type response;
    done = false;
    impl->ws.async_handshake(response, where, target, [&](const boost::system::error_code& e) {
        error = e;
        done = true;
    });
    if (!detail::run_or_cancel(
            impl->io, deadline, [&] { return done; }, [&] { impl->drop_socket(); })) {
        throw std::runtime_error("WebSocket upgrade at " + where + ": timed out");
    }
    if (error == websocket::error::upgrade_declined) {
        impl->drop_socket();
        throw WsUpgradeRefused(response.result_int(), std::move(response.body()));
    }
    if (error) {
        impl->drop_socket();
        throw std::runtime_error("WebSocket upgrade at " + where + ": " + error.message());
    }
    return std::unique_ptr<WsClient>(new WsClient(std::move(impl)));
}

void WsClient::send(std::string_view data, bool binary, std::chrono::milliseconds timeout) {
    Impl& impl = *impl_;
    if (impl.closed) throw std::runtime_error("WebSocket send: the connection is closed");
    boost::system::error_code error;
    bool done = false;
    impl.ws.binary(binary);
    impl.ws.async_write(asio::buffer(data), [&](const boost::system::error_code& e, std::size_t) {
        error = e;
        done = true;
    });
    if (!detail::run_or_cancel(
            impl.io, Clock::now() + timeout, [&] { return done; }, [&] { impl.drop_socket(); })) {
        impl.mark_closed(beast::error::timeout);
        throw std::runtime_error("WebSocket send: timed out after " + std::to_string(timeout.count()) + " ms");
    }
    if (error) {
        impl.drop_socket();
        impl.mark_closed(error);
        throw std::runtime_error("WebSocket send: " + error.message());
    }
}

std::optional<WsClient::Received> WsClient::receive(std::chrono::milliseconds timeout) {
    Impl& impl = *impl_;
    if (impl.inbox.empty() && !impl.closed) {
        impl.start_read();
        // On timeout the read stays pending, with whatever part of a message it holds, for the next call.
        detail::run_until(impl.io, Clock::now() + timeout, [&] { return !impl.inbox.empty() || impl.closed; });
    }
    if (impl.inbox.empty()) return std::nullopt;
    Received next = std::move(impl.inbox.front());
    impl.inbox.pop_front();
    return next;
}

bool WsClient::closed() const {
    return impl_->closed && impl_->inbox.empty();
}

std::uint16_t WsClient::close_code() const {
    return impl_->code;
}

std::string WsClient::close_reason() const {
    return impl_->reason;
}

void WsClient::close(std::uint16_t code, std::chrono::milliseconds timeout) {
    Impl& impl = *impl_;
    if (impl.closed) return;
    boost::system::error_code error;
    bool done = false;
    impl.closing_locally = true;
    impl.ws.async_close(websocket::close_reason(static_cast<websocket::close_code>(code)),
                        [&](const boost::system::error_code& e) {
                            error = e;
                            done = true;
                        });
    const auto deadline = Clock::now() + timeout;
    if (!detail::run_or_cancel(
            impl.io, deadline, [&] { return done; }, [&] { impl.drop_socket(); })) {
        impl.mark_closed(beast::error::timeout);
        return;
    }
    // A pending read sees the end of the handshake too; let it finish so its handler runs while impl is whole.
    detail::run_or_cancel(
        impl.io, deadline, [&] { return !impl.reading; }, [&] { impl.drop_socket(); });
    if (error) {
        impl.drop_socket();
        impl.mark_closed(error);
    } else {
        impl.mark_closed(websocket::error::closed);
    }
}

void WsClient::abort() {
    Impl& impl = *impl_;
    if (impl.closed) return;
    impl.drop_socket();
    impl.mark_closed(asio::error::connection_aborted);
}

}  // namespace yihu::client
