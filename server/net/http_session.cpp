#include "net/http_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <functional>
#include <type_traits>

#include "net/ws_session.h"

namespace yihu::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kDrainChunk = 16 * 1024;
constexpr std::chrono::seconds kLingerTime{2};
// Above this many sockets being refused at once (a flood), further ones are closed without an answer.
constexpr std::size_t kMaxRefusing = 64;

std::string endpoint_string(const tcp::socket& socket) {
    boost::system::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    if (ec) return "?";
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

bool is_parse_error(const boost::system::error_code& error) {
    return error.category() == http::make_error_code(http::error::bad_target).category();
}

template <class Stream>
constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

template <class Stream>
Stream make_stream(tcp::socket socket, ServerState& state) {
    if constexpr (kTls<Stream>) {
        return Stream(beast::tcp_stream(std::move(socket)), *state.tls());
    } else {
        return Stream(std::move(socket));
    }
}

// What the WebSocket session runs over: the plain stream with its own teardown (tcp_layer.h), or the TLS stream.
template <class Stream>
using WsLayer = std::conditional_t<kTls<Stream>, TlsStream, TcpLayer>;

}  // namespace

template <class Stream>
void HttpSession<Stream>::create(std::shared_ptr<ServerState> state, tcp::socket socket,
                                 std::optional<HttpResponse> refusal) {
    if (refusal && state->refusing_count.load() >= kMaxRefusing) {
        boost::system::error_code ignored;
        socket.close(ignored);
        return;
    }
    std::make_shared<HttpSession<Stream>>(std::move(state), std::move(socket), std::move(refusal))->start();
}

template <class Stream>
HttpSession<Stream>::HttpSession(std::shared_ptr<ServerState> state, tcp::socket socket,
                                 std::optional<HttpResponse> refusal)
    : state_(std::move(state)),
      stream_(make_stream<Stream>(std::move(socket), *state_)),
      remote_(endpoint_string(beast::get_lowest_layer(stream_).socket())),
      slot_(refusal ? state_->refusing_count : state_->http_count),
      refusal_(std::move(refusal)) {}

template <class Stream>
HttpSession<Stream>::~HttpSession() {
    if (registry_id_ != 0) state_->registry.remove(registry_id_);
}

template <class Stream>
void HttpSession<Stream>::start() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
        if constexpr (kTls<Stream>) {
            // Even a refusal is written over TLS: the client speaks nothing else on this port.
            beast::get_lowest_layer(self->stream_).expires_after(self->state_->options.handshake_timeout);
            self->stream_.async_handshake(asio::ssl::stream_base::server,
                                          [self](const boost::system::error_code& e) { self->on_handshake(e); });
        } else {
            self->on_handshake({});
        }
    });
}

template <class Stream>
void HttpSession<Stream>::on_handshake(const boost::system::error_code& error) {
    if (error) {
        spdlog::debug("http {}: TLS handshake: {}", remote_, error.message());
        close();
        return;
    }
    auto self = this->shared_from_this();
    if (self->refusal_) {
        spdlog::log(self->refusal_->status == 503 ? spdlog::level::warn : spdlog::level::debug,
                    "http {}: refused with {}, {} connections open", self->remote_, self->refusal_->status,
                    self->state_->open_connections());
        self->request_keep_alive_ = false;
        self->write(std::move(*self->refusal_), false);
        self->refusal_.reset();
        return;
    }
    spdlog::debug("http {}: open", self->remote_);
    std::optional<ConnectionRegistry::Closing> closing;
    self->registry_id_ = self->state_->registry.add(self, closing);
    self->shutting_down_ = closing.has_value();  // the server is going away: one request, then close
    self->read_request();
}

template <class Stream>
void HttpSession<Stream>::shutdown(std::uint16_t /*code*/, const std::string& /*reason*/) {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
        self->shutting_down_ = true;
        // Waiting for a request on an idle connection: stop now. Otherwise the response in progress goes out first.
        if (self->phase_ == Phase::kReading) beast::get_lowest_layer(self->stream_).cancel();
    });
}

template <class Stream>
void HttpSession<Stream>::read_request() {
    phase_ = Phase::kReading;
    parser_.emplace();
    parser_->body_limit(state_->options.http_body_limit);
    parser_->header_limit(kHeaderLimit);
    beast::get_lowest_layer(stream_).expires_after(state_->options.http_idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](const boost::system::error_code& error, std::size_t) {
                         self->on_read(error);
                     });
}

template <class Stream>
void HttpSession<Stream>::on_read(const boost::system::error_code& error) {
    if (!error) {
        handle_request();
        return;
    }
    if (error == http::error::body_limit) {
        fail(413, "FRAME_TOO_LARGE",
             "the request body is larger than " + std::to_string(state_->options.http_body_limit) + " bytes");
    } else if (error == http::error::header_limit) {
        fail(431, "FRAME_TOO_LARGE", "the request header is larger than " + std::to_string(kHeaderLimit) + " bytes");
    } else if (error != http::error::end_of_stream && error != http::error::partial_message && is_parse_error(error)) {
        fail(400, "MALFORMED_MESSAGE", "malformed HTTP request: " + error.message());
    } else {
        // End of stream, idle timeout, close_all, a reset: nothing to answer.
        spdlog::debug("http {}: {}", remote_, error.message());
        close();
    }
}

template <class Stream>
void HttpSession<Stream>::handle_request() {
    BeastRequest request = parser_->release();
    parser_.reset();
    request_version_ = request.version();
    request_keep_alive_ = request.keep_alive();
    request_is_head_ = request.method() == http::verb::head;
    if (!admit(request)) return;
    if (beast::websocket::is_upgrade(request)) {
        upgrade(std::move(request));
        return;
    }
    auto converted = to_http_request(request, remote_, true);
    if (!converted) {
        fail(400, "MALFORMED_MESSAGE", "the request target is not a valid origin-form URL");
        return;
    }
    if (!state_->routes.http) {
        write(state_->error_response(404, "NOT_FOUND", "no such resource"), request_keep_alive_);
        return;
    }
    phase_ = Phase::kHandling;
    auto called = std::make_shared<std::atomic<bool>>(false);
    Respond respond = [self = this->shared_from_this(), called](HttpResponse response) {
        if (called->exchange(true)) {
            spdlog::warn("http {}: a response was sent twice; the second is dropped", self->remote_);
            return;
        }
        asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
            self->write(std::move(response), self->request_keep_alive_);
        });
    };
    std::string method = converted->method;
    std::string path = converted->path;
    try {
        state_->routes.http(std::move(*converted), respond);
    } catch (const std::exception& e) {
        spdlog::warn("http {}: {} {}: handler threw: {}", remote_, method, path, e.what());
        if (!called->load()) respond(state_->error_response(500, "INTERNAL", "internal error"));
    }
}

template <class Stream>
bool HttpSession<Stream>::admit(const BeastRequest& request) {
    if (!state_->request_limiter.enabled()) return true;
    const std::string_view token = request[http::field::authorization];
    if (token.empty()) return true;
    // Keyed by a hash: a bucket per token without keeping tokens in memory (a collision only shares a bucket).
    const std::string key = std::to_string(std::hash<std::string_view>{}(token));
    const RateDecision decision = state_->request_limiter.take(key, std::chrono::steady_clock::now());
    if (decision.allowed) return true;
    state_->requests_rate_limited.fetch_add(1, std::memory_order_relaxed);
    const bool keep_alive = request_keep_alive_ && !beast::websocket::is_upgrade(request);
    write(state_->rate_limited_response(decision.retry_after, "too many requests with this token"), keep_alive);
    return false;
}

template <class Stream>
void HttpSession<Stream>::upgrade(BeastRequest request) {
    auto converted = to_http_request(request, remote_, false);
    if (!converted) {
        fail(400, "MALFORMED_MESSAGE", "the request target is not a valid origin-form URL");
        return;
    }
    std::variant<std::unique_ptr<WsHandler>, HttpResponse> decision =
        state_->error_response(404, "NOT_FOUND", "no WebSocket here");
    if (state_->routes.websocket) {
        try {
            decision = state_->routes.websocket(*converted);
        } catch (const std::exception& e) {
            spdlog::warn("http {}: upgrade handler for {} threw: {}", remote_, converted->path, e.what());
            decision = state_->error_response(500, "INTERNAL", "internal error");
        }
    }
    if (auto* refusal = std::get_if<HttpResponse>(&decision)) {
        // The client expected to leave HTTP behind: do not keep the connection for another request.
        write(std::move(*refusal), false);
        return;
    }
    auto& handler = std::get<std::unique_ptr<WsHandler>>(decision);
    if (!handler) {
        write(state_->error_response(500, "INTERNAL", "internal error"), false);
        return;
    }
    const bool unauthenticated = handler->needs_authentication();
    if (unauthenticated &&
        state_->unauthenticated_count.fetch_add(1) >= std::max<std::size_t>(state_->options.max_unauthenticated, 1)) {
        state_->unauthenticated_count.fetch_sub(1);
        state_->unauthenticated_refused.fetch_add(1, std::memory_order_relaxed);
        spdlog::debug("http {}: upgrade refused, {} unauthenticated WebSockets open", remote_,
                      state_->options.max_unauthenticated);
        write(state_->error_response(503, "UNAVAILABLE", "too many connections waiting to authenticate"), false);
        return;
    }
    // From here the socket belongs to the WebSocket session, which counts and registers itself (and gives back the
    // unauthenticated unit counted above).
    phase_ = Phase::kClosing;
    slot_.release();
    state_->registry.remove(registry_id_);
    registry_id_ = 0;
    auto session = std::make_shared<WsSession<WsLayer<Stream>>>(state_, WsLayer<Stream>(std::move(stream_)), remote_,
                                                                unauthenticated);
    session->start(std::move(request), std::move(handler));
}

template <class Stream>
void HttpSession<Stream>::write(HttpResponse response, bool keep_alive) {
    keep_alive = keep_alive && !shutting_down_;
    phase_ = Phase::kWriting;
    response_.emplace(to_beast_response(std::move(response), request_version_, keep_alive));
    if (request_is_head_) response_->body().clear();  // Content-Length stays: it describes the GET
    beast::get_lowest_layer(stream_).expires_after(state_->options.http_idle_timeout);
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this(), keep_alive](
                          const boost::system::error_code& error, std::size_t) { self->on_write(error, keep_alive); });
}

template <class Stream>
void HttpSession<Stream>::on_write(const boost::system::error_code& error, bool keep_alive) {
    response_.reset();
    if (error) {
        spdlog::debug("http {}: write: {}", remote_, error.message());
        close();
    } else if (!keep_alive || shutting_down_) {
        linger();
    } else {
        read_request();
    }
}

template <class Stream>
void HttpSession<Stream>::fail(unsigned status, std::string_view code, std::string message) {
    spdlog::debug("http {}: {} {}", remote_, status, message);
    request_keep_alive_ = false;
    request_is_head_ = false;
    write(state_->error_response(status, code, std::move(message)), false);
}

template <class Stream>
void HttpSession<Stream>::linger() {
    phase_ = Phase::kClosing;
    boost::system::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_send, ignored);
    beast::get_lowest_layer(stream_).expires_after(kLingerTime);  // bounds the whole drain, not each read
    buffer_.clear();
    struct Drain {
        std::shared_ptr<HttpSession<Stream>> self;
        void operator()(const boost::system::error_code& error = {}, std::size_t bytes = 0) {
            if (error) {
                self->close();
                return;
            }
            self->buffer_.commit(bytes);
            self->buffer_.clear();
            auto& stream = self->stream_;
            auto buffer = self->buffer_.prepare(kDrainChunk);
            stream.async_read_some(buffer, std::move(*this));
        }
    };
    Drain{this->shared_from_this()}();
}

template <class Stream>
void HttpSession<Stream>::close() {
    phase_ = Phase::kClosing;
    beast::get_lowest_layer(stream_).close();
    slot_.release();
}

template class HttpSession<PlainStream>;
template class HttpSession<TlsStream>;

}  // namespace yihu::net::detail
