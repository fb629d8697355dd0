#include "net/ws_dialer.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <type_traits>

#include "net/tls_context.h"

namespace yihu::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

class WsDialer::Impl {
  public:
    virtual ~Impl() = default;
    virtual void start() = 0;
    virtual void stop() = 0;
};

namespace {

using Strand = asio::strand<asio::io_context::executor_type>;
using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// Everything of one dialer runs on one strand: the resolver, the backoff timer and the one connection's stream.
// A connection is numbered (generation_); a handle of an earlier connection finds another number and does nothing.
// `Ws` is the plain or the TLS WebSocket stream; the TLS one adds a TLS handshake between connect and upgrade.
template <class Ws>
class DialerImpl final : public WsDialer::Impl, public std::enable_shared_from_this<DialerImpl<Ws>> {
    static constexpr bool kTls = std::is_same_v<Ws, TlsWs>;
    using Impl = DialerImpl<Ws>;
    using Headers = WsDialer::Headers;
    using HandlerFactory = WsDialer::HandlerFactory;
    using ShouldDial = WsDialer::ShouldDial;
    using std::enable_shared_from_this<DialerImpl<Ws>>::shared_from_this;
    using std::enable_shared_from_this<DialerImpl<Ws>>::weak_from_this;

  public:
    DialerImpl(asio::io_context& io, DialOptions options, Headers headers, HandlerFactory factory,
               ShouldDial should_dial)
        : strand_(asio::make_strand(io)),
          options_(std::move(options)),
          headers_(std::move(headers)),
          factory_(std::move(factory)),
          should_dial_(std::move(should_dial)),
          resolver_(strand_),
          timer_(strand_),
          rng_(std::random_device{}()) {}

    void start() override {
        asio::post(strand_, [self = shared_from_this()] { self->dial(); });
    }
    void stop() override {
        if (stopped_.exchange(true)) return;
        asio::post(strand_, [self = shared_from_this()] {
            self->timer_.cancel();
            self->resolver_.cancel();
            if (self->ws_ && !self->open_) beast::get_lowest_layer(*self->ws_).cancel();
            self->close(self->generation_, close_code::kGoingAway, "going away");
        });
    }

    // --- The current connection (any thread; see WsConnection) ---
    bool send(std::uint64_t generation, Frame frame) {
        if (stopped_.load() || !frame.data) return false;
        const std::size_t bytes = frame.data->size();
        if (queued_bytes_.fetch_add(bytes) + bytes > options_.send_queue_limit) {
            queued_bytes_.fetch_sub(bytes);
            asio::post(strand_, [self = shared_from_this(), generation] {
                self->close(generation, close_code::kPolicyViolation, "backpressure");
            });
            return false;
        }
        asio::post(strand_, [self = shared_from_this(), generation, frame = std::move(frame), bytes]() mutable {
            if (generation != self->generation_ || !self->open_ || self->closing_) {
                self->queued_bytes_.fetch_sub(bytes);
                return;
            }
            self->queue_.push_back(std::move(frame));
            self->write_next();
        });
        return true;
    }
    void close(std::uint64_t generation, std::uint16_t code, std::string reason) {
        asio::post(strand_, [self = shared_from_this(), generation, code, reason = std::move(reason)]() mutable {
            if (generation != self->generation_ || !self->open_ || self->closing_) return;
            self->closing_ = true;
            self->close_code_ = code;
            self->close_reason_ = std::move(reason);
            self->write_next();
        });
    }
    std::size_t queued_bytes() const { return queued_bytes_.load(); }
    const std::string& remote() const { return remote_; }

  private:
    class Handle final : public WsConnection {
      public:
        Handle(std::weak_ptr<Impl> impl, std::uint64_t generation, std::string remote)
            : impl_(std::move(impl)), generation_(generation), remote_(std::move(remote)) {}
        bool send(Frame frame) override {
            auto impl = impl_.lock();
            return impl && impl->send(generation_, std::move(frame));
        }
        void close(std::uint16_t code, std::string reason) override {
            if (auto impl = impl_.lock()) impl->close(generation_, code, std::move(reason));
        }
        std::size_t queued_bytes() const override {
            auto impl = impl_.lock();
            return impl ? impl->queued_bytes() : 0;
        }
        const std::string& remote() const override { return remote_; }

      private:
        std::weak_ptr<Impl> impl_;
        std::uint64_t generation_;
        std::string remote_;
    };

    void dial() {
        if (stopped_) return;
        if (should_dial_ && !should_dial_()) return wait_and_dial(false);
        resolver_.async_resolve(
            host(), std::to_string(port()),
            [self = shared_from_this()](const boost::system::error_code& error, tcp::resolver::results_type results) {
                if (error) return self->failed("resolve", error);
                self->connect(std::move(results));
            });
    }

    void connect(tcp::resolver::results_type results) {
        if (stopped_) return;
        if constexpr (kTls) {
            ws_.emplace(strand_, *options_.tls);
            if (auto s = expect_server_name(ws_->next_layer().native_handle(), options_.host); !s) {
                spdlog::warn("dial {}:{}: {}", options_.host, options_.port, s.error().message);
                return failed("tls", {});
            }
        } else {
            ws_.emplace(strand_);
        }
        ws_->read_message_max(options_.message_limit);
        beast::get_lowest_layer(*ws_).expires_after(options_.handshake_timeout);
        beast::get_lowest_layer(*ws_).async_connect(
            results, [self = shared_from_this()](const boost::system::error_code& error, const tcp::endpoint&) {
                if (error) return self->failed("connect", error);
                self->tls_handshake();
            });
    }

    // wss://: the peer's certificate must chain to the configured CAs and carry the host dialled; a refusal is
    // logged at warn and counted (a misconfigured or impersonated peer), then dialled again after the backoff.
    void tls_handshake() {
        if constexpr (kTls) {
            if (stopped_) return;
            ws_->next_layer().async_handshake(asio::ssl::stream_base::client,
                                              [self = shared_from_this()](const boost::system::error_code& error) {
                                                  if (error) {
                                                      spdlog::warn("dial {}:{}: TLS refused: {}", self->options_.host,
                                                                   self->options_.port, error.message());
                                                      if (self->options_.on_tls_refused)
                                                          self->options_.on_tls_refused();
                                                      return self->failed("tls", error);
                                                  }
                                                  self->handshake();
                                              });
        } else {
            handshake();
        }
    }

    void handshake() {
        if (stopped_) return;
        beast::get_lowest_layer(*ws_).expires_never();
        auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        timeouts.handshake_timeout = options_.handshake_timeout;
        timeouts.idle_timeout = options_.idle_timeout;
        timeouts.keep_alive_pings = true;
        ws_->set_option(timeouts);
        auto headers = headers_ ? headers_() : std::vector<std::pair<std::string, std::string>>{};
        ws_->set_option(websocket::stream_base::decorator([headers](websocket::request_type& request) {
            for (const auto& [name, value] : headers) request.set(name, value);
        }));
        ws_->binary(true);
        upgrade_response_ = {};
        ws_->async_handshake(upgrade_response_, host() + ":" + std::to_string(port()), options_.target,
                             [self = shared_from_this()](const boost::system::error_code& error) {
                                 if (error) {
                                     const unsigned status = self->upgrade_response_.result_int();
                                     if (status != 0 && status != 101) {
                                         spdlog::warn("dial {}:{}{}: refused with HTTP {}: {}", self->host(),
                                                      self->port(), self->options_.target, status,
                                                      self->upgrade_response_.body().substr(0, 200));
                                     }
                                     return self->failed("handshake", error);
                                 }
                                 self->opened();
                             });
    }

    void opened() {
        ++generation_;
        open_ = true;
        closing_ = false;
        close_sent_ = false;
        attempt_ = 0;
        remote_ = host() + ":" + std::to_string(port());
        handler_ = factory_();
        handler_->on_open(std::make_shared<Handle>(weak_from_this(), generation_, remote_));
        read_next();
    }

    void read_next() {
        ws_->async_read(buffer_, [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
            if (error) return self->ended(error);
            const std::string data = beast::buffers_to_string(self->buffer_.data());
            self->buffer_.consume(self->buffer_.size());
            if (self->handler_) self->handler_->on_message(data, self->ws_->got_binary());
            self->read_next();
        });
    }

    void write_next() {
        if (!open_ || writing_) return;
        if (queue_.empty()) {
            if (closing_ && !close_sent_) {
                close_sent_ = true;
                writing_ = true;
                ws_->async_close(
                    websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_),
                    [self = shared_from_this()](const boost::system::error_code&) { self->writing_ = false; });
            }
            return;
        }
        writing_ = true;
        ws_->binary(queue_.front().binary);
        ws_->async_write(asio::buffer(*queue_.front().data), [self = shared_from_this(), generation = generation_](
                                                                 const boost::system::error_code& error, std::size_t) {
            self->writing_ = false;
            // The connection ended meanwhile (ended() dropped the queue and counted its bytes).
            if (generation != self->generation_) return;
            self->queued_bytes_.fetch_sub(self->queue_.front().data->size());
            self->queue_.pop_front();
            if (error) {
                beast::get_lowest_layer(*self->ws_).cancel();
                return;
            }
            self->write_next();
        });
    }

    // The read loop ended: the connection is over (peer close, error, timeout, our close).
    void ended(const boost::system::error_code& error) {
        if (error != websocket::error::closed) {
            spdlog::info("link to {} ended: {}", remote_, error.message());
        }
        open_ = false;
        ++generation_;
        for (const Frame& f : queue_) queued_bytes_.fetch_sub(f.data->size());
        queue_.clear();
        if (handler_) {
            handler_->on_closed();
            handler_.reset();
        }
        beast::error_code ignored;
        beast::get_lowest_layer(*ws_).socket().close(ignored);
        wait_and_dial(true);
    }

    void failed(const char* step, const boost::system::error_code& error) {
        if (stopped_) return;
        spdlog::debug("dial {}:{}: {} failed: {}", host(), port(), step, error.message());
        endpoint_ = (endpoint_ + 1) % (1 + options_.more_endpoints.size());
        wait_and_dial(true);
    }

    const std::string& host() const {
        return endpoint_ == 0 ? options_.host : options_.more_endpoints[endpoint_ - 1].first;
    }
    std::uint16_t port() const {
        return endpoint_ == 0 ? options_.port : options_.more_endpoints[endpoint_ - 1].second;
    }

    void wait_and_dial(bool failure) {
        if (stopped_) return;
        // Writes may still be in flight on the old stream: it is replaced only at the next connect, after the wait.
        const auto step = std::min<std::int64_t>(options_.max_backoff.count(), options_.min_backoff.count()
                                                                                   << std::min(attempt_, 20));
        if (failure) ++attempt_;
        std::uniform_int_distribution<std::int64_t> jitter(step / 2, std::max<std::int64_t>(step / 2, step));
        timer_.expires_after(std::chrono::milliseconds(jitter(rng_)));
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
            if (!error) self->dial();
        });
    }

    Strand strand_;
    DialOptions options_;
    Headers headers_;
    HandlerFactory factory_;
    ShouldDial should_dial_;
    tcp::resolver resolver_;
    asio::steady_timer timer_;
    std::mt19937_64 rng_;
    std::atomic<bool> stopped_{false};
    std::atomic<std::size_t> queued_bytes_{0};

    // On the strand.
    std::optional<Ws> ws_;
    websocket::response_type upgrade_response_;
    beast::flat_buffer buffer_;
    std::unique_ptr<WsHandler> handler_;
    std::deque<Frame> queue_;
    std::string remote_;
    std::uint64_t generation_ = 0;
    int attempt_ = 0;
    std::size_t endpoint_ = 0;  // 0: options_.host; i > 0: more_endpoints[i - 1]
    bool open_ = false;
    bool writing_ = false;
    bool closing_ = false;
    bool close_sent_ = false;
    std::uint16_t close_code_ = close_code::kNormal;
    std::string close_reason_;
};

}  // namespace

WsDialer::WsDialer(asio::io_context& io, DialOptions options, Headers headers, HandlerFactory factory,
                   ShouldDial should_dial) {
    if (options.tls) {
        impl_ = std::make_shared<DialerImpl<TlsWs>>(io, std::move(options), std::move(headers), std::move(factory),
                                                    std::move(should_dial));
    } else {
        impl_ = std::make_shared<DialerImpl<PlainWs>>(io, std::move(options), std::move(headers), std::move(factory),
                                                      std::move(should_dial));
    }
}

WsDialer::~WsDialer() {
    stop();
}

void WsDialer::start() {
    impl_->start();
}

void WsDialer::stop() {
    impl_->stop();
}

}  // namespace yihu::net
