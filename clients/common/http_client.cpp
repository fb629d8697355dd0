#include "common/http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <stdexcept>

#include "common/sync_run.h"

namespace yihu::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using detail::Clock;

namespace {

constexpr std::size_t kMaxReplyBody = 64 << 20;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

struct HttpClient::Impl {
    std::string host;
    std::uint16_t port;
    asio::io_context io;
    beast::tcp_stream stream{io};
    beast::flat_buffer buffer;
    bool connected = false;

    std::string where() const { return host + ":" + std::to_string(port); }

    void connect(Clock::time_point deadline) {
        tcp::resolver resolver(io);
        boost::system::error_code error;
        tcp::resolver::results_type endpoints;
        bool done = false;
        resolver.async_resolve(host, std::to_string(port),
                               [&](const boost::system::error_code& e, tcp::resolver::results_type results) {
                                   error = e;
                                   endpoints = std::move(results);
                                   done = true;
                               });
        if (!detail::run_or_cancel(
                io, deadline, [&] { return done; }, [&] { resolver.cancel(); })) {
            throw std::runtime_error("resolve " + host + ": timed out");
        }
        if (error) throw std::runtime_error("resolve " + host + ": " + error.message());
        done = false;
        stream.async_connect(endpoints, [&](const boost::system::error_code& e, const tcp::endpoint&) {
            error = e;
            done = true;
        });
        if (!detail::run_or_cancel(
                io, deadline, [&] { return done; }, [&] { stream.close(); })) {
            disconnect();
            throw std::runtime_error("connect to " + where() + ": timed out");
        }
        if (error) {
            disconnect();
            throw std::runtime_error("connect to " + where() + ": " + error.message());
        }
        connected = true;
    }

    void disconnect() {
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream.close();
        buffer.clear();
        connected = false;
    }
};

HttpClient::HttpClient(std::string host, std::uint16_t port) : impl_(std::make_unique<Impl>()) {
    impl_->host = std::move(host);
    impl_->port = port;
}

HttpClient::~HttpClient() {
    if (impl_->connected) impl_->disconnect();
}

HttpClient::Reply HttpClient::request(std::string_view method, std::string_view target, std::string_view body,
                                      std::string_view bearer_token, std::chrono::milliseconds timeout,
                                      std::string_view content_type) {
    Impl& impl = *impl_;
    const auto deadline = Clock::now() + timeout;
    const std::string what = std::string(method) + " " + std::string(target);

    http::request<http::string_body> request;
    request.method_string(method);
    request.target(target);
    request.version(11);
    request.set(http::field::host, impl.where());
    request.set(http::field::user_agent, "yihu-client");
    if (!bearer_token.empty()) request.set(http::field::authorization, "Bearer " + std::string(bearer_token));
    if (!body.empty()) {
        request.set(http::field::content_type, content_type);
        request.body() = std::string(body);
    }
    request.keep_alive(true);
    request.prepare_payload();

    for (int attempt = 0;; ++attempt) {
        // A kept-alive connection the server closed meanwhile fails before any reply byte: that request never
        // reached the application, so it is sent once more on a new connection (as browsers and curl do).
        const bool reused = impl.connected;
        if (!reused) impl.connect(deadline);

        boost::system::error_code error;
        bool done = false;
        http::async_write(impl.stream, request, [&](const boost::system::error_code& e, std::size_t) {
            error = e;
            done = true;
        });
        if (!detail::run_or_cancel(
                impl.io, deadline, [&] { return done; }, [&] { impl.stream.close(); })) {
            impl.disconnect();
            throw std::runtime_error(what + ": timed out sending after " + std::to_string(timeout.count()) + " ms");
        }
        if (error) {
            impl.disconnect();
            if (reused && attempt == 0) continue;
            throw std::runtime_error(what + ": send: " + error.message());
        }

        http::response_parser<http::string_body> parser;
        parser.body_limit(kMaxReplyBody);
        if (method == "HEAD") parser.skip(true);
        done = false;
        http::async_read(impl.stream, impl.buffer, parser, [&](const boost::system::error_code& e, std::size_t) {
            error = e;
            done = true;
        });
        if (!detail::run_or_cancel(
                impl.io, deadline, [&] { return done; }, [&] { impl.stream.close(); })) {
            impl.disconnect();
            throw std::runtime_error(what + ": no reply within " + std::to_string(timeout.count()) + " ms");
        }
        if (error) {
            const bool nothing_received = !parser.got_some();
            impl.disconnect();
            if (reused && attempt == 0 && nothing_received) continue;
            throw std::runtime_error(what + ": receive: " + error.message());
        }

        auto response = parser.release();
        Reply reply;
        reply.status = response.result_int();
        for (const auto& field : response) {
            auto [it, inserted] = reply.headers.emplace(lower(field.name_string()), std::string(field.value()));
            if (!inserted) it->second += ", " + std::string(field.value());
        }
        reply.body = std::move(response.body());
        if (!response.keep_alive()) impl.disconnect();
        return reply;
    }
}

}  // namespace yihu::client
