#include "net/ws_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace yihu::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// RFC 6455 section 5.5: a control frame's payload is at most 125 bytes, two of them the code.
constexpr std::size_t kMaxCloseReason = 123;
// A message is read in pieces of at most this, so its size is checked against the limit as the bytes arrive.
constexpr std::size_t kReadPiece = 64 * 1024;
// The first piece of a message. Beast sizes the buffer for a read before it waits for data, so this is what an idle
// socket holds; a phone's acks and positions fit, and a larger message continues in kReadPiece pieces.
constexpr std::size_t kFirstReadPiece = 256;
// A read buffer that grew past the first piece for one message (a Hello with its token) is given back after it.
constexpr std::size_t kKeptReadBuffer = kFirstReadPiece;

// The handle the application holds: refers to the session weakly (see ws_session.h).
template <class Session>
class WsConnectionHandle final : public WsConnection {
  public:
    WsConnectionHandle(std::weak_ptr<Session> session, std::string remote)
        : session_(std::move(session)), remote_(std::move(remote)) {}

    bool send(Frame frame) override {
        auto session = session_.lock();
        return session && session->send(std::move(frame));
    }
    void close(std::uint16_t code, std::string reason) override {
        if (auto session = session_.lock()) session->close(code, std::move(reason));
    }
    std::size_t queued_bytes() const override {
        auto session = session_.lock();
        return session ? session->queued_bytes() : 0;
    }
    const std::string& remote() const override { return remote_; }
    void authenticated() override {
        if (auto session = session_.lock()) session->authenticated();
    }

  private:
    std::weak_ptr<Session> session_;
    std::string remote_;
};

bool is_routine_end(const boost::system::error_code& error) {
    return error == websocket::error::closed || error == beast::error::timeout || error == asio::error::eof ||
           error == asio::error::connection_reset || error == asio::error::operation_aborted ||
           error == asio::error::broken_pipe || error == websocket::error::message_too_big;
}

}  // namespace

template <class Next>
WsSession<Next>::WsSession(std::shared_ptr<ServerState> state, Next stream, std::string remote, bool unauthenticated)
    : state_(std::move(state)),
      ws_(std::move(stream)),
      timer_(ws_.get_executor()),
      remote_(std::move(remote)),
      slot_(state_->ws_count) {
    if (unauthenticated) unauthenticated_slot_.emplace(state_->unauthenticated_count, ConnectionSlot::Adopt{});
    authenticated_.store(!unauthenticated, std::memory_order_relaxed);
}

template <class Next>
WsSession<Next>::~WsSession() {
    if (registry_id_ != 0) state_->registry.remove(registry_id_);
}

template <class Next>
void WsSession<Next>::start(BeastRequest upgrade, std::unique_ptr<WsHandler> handler) {
    handler_ = std::move(handler);
    upgrade_request_ = std::make_unique<BeastRequest>(std::move(upgrade));
    std::optional<ConnectionRegistry::Closing> closing;
    registry_id_ = state_->registry.add(this->shared_from_this(), closing);
    if (closing) close(closing->code, std::move(closing->reason));  // answered, opened, then closed at once

    // Beast's own timers from here on, not the tcp_stream expiry (which would cut an idle but healthy socket).
    beast::get_lowest_layer(ws_).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.handshake_timeout = state_->options.handshake_timeout;
    timeouts.idle_timeout = state_->options.ws_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(beast::http::field::server, kServerName); }));
    // No limit in Beast: it would close with 1009 at a frame header, before the handler could say why. read_next
    // enforces ws_message_limit instead, as the bytes arrive.
    ws_.read_message_max(0);
    ws_.auto_fragment(false);
    if (unauthenticated_slot_) {
        timer_.expires_after(state_->options.auth_timeout);
        timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& error) {
            self->on_auth_deadline(error);
        });
    }

    ws_.async_accept(*upgrade_request_, [self = this->shared_from_this()](const boost::system::error_code& error) {
        self->on_accept(error);
    });
}

template <class Next>
bool WsSession<Next>::send(Frame frame) {
    if (closing_.load(std::memory_order_acquire)) return false;
    const std::size_t bytes = frame.size();
    std::size_t before = queued_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    if (before + bytes > state_->options.ws_send_queue_limit) {
        queued_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
        if (!closing_.exchange(true)) {
            spdlog::info("ws {}: {} bytes queued, closing (slow reader)", remote_, before);
            asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
                self->begin_close(close_code::kPolicyViolation, "backpressure", true);
            });
        }
        return false;
    }
    // Always post, even from the strand: a dispatch could overtake frames this thread posted earlier.
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), frame = std::move(frame), bytes]() mutable {
        self->enqueue(std::move(frame), bytes);
    });
    return true;
}

template <class Next>
void WsSession<Next>::close(std::uint16_t code, std::string reason) {
    if (closing_.exchange(true)) return;
    asio::post(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
        self->begin_close(code, std::move(reason), false);
    });
}

template <class Next>
void WsSession<Next>::authenticated() {
    if (authenticated_.exchange(true)) return;
    asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
        if (!self->close_requested_) self->timer_.cancel();  // else it bounds the close now
        if (self->unauthenticated_slot_) self->unauthenticated_slot_->release();
    });
}

template <class Next>
void WsSession<Next>::on_auth_deadline(const boost::system::error_code& error) {
    // close_requested_: a close re-armed the timer after this deadline's wait had already completed.
    if (error || finished_ || close_requested_ || authenticated_.load(std::memory_order_acquire)) return;
    state_->auth_timeouts.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("ws {}: not authenticated in time, closing", remote_);
    if (!closing_.exchange(true)) begin_close(close_code::kPolicyViolation, "authentication timeout", true);
}

template <class Next>
void WsSession<Next>::on_accept(const boost::system::error_code& error) {
    upgrade_request_.reset();
    if (error) {
        spdlog::debug("ws {}: upgrade failed: {}", remote_, error.message());
        finish(error);
        return;
    }
    spdlog::debug("ws {}: open", remote_);
    open_ = true;
    try {
        handler_->on_open(std::make_shared<WsConnectionHandle<WsSession<Next>>>(this->weak_from_this(), remote_));
    } catch (const std::exception& e) {
        spdlog::warn("ws {}: on_open threw: {}", remote_, e.what());
        close(close_code::kInternalError, "internal error");
    }
    read_next();
    write_next();  // a close requested during the handshake (close_all) goes out now
}

template <class Next>
void WsSession<Next>::read_next() {
    // At most one byte past the limit is ever read into the buffer: enough to know the message is too large.
    const std::size_t limit = state_->options.ws_message_limit;
    const std::size_t held = read_buffer_.size();
    const std::size_t piece = std::min(held == 0 ? kFirstReadPiece : kReadPiece, limit >= held ? limit - held + 1 : 1);
    reading_ = true;
    ws_.async_read_some(read_buffer_, piece,
                        [self = this->shared_from_this()](const boost::system::error_code& error, std::size_t bytes) {
                            self->on_read(error, bytes);
                        });
}

template <class Next>
void WsSession<Next>::on_read(const boost::system::error_code& error, std::size_t /*bytes*/) {
    reading_ = false;
    if (error) {
        finish(error);
        return;
    }
    if (read_buffer_.size() > state_->options.ws_message_limit) {
        refuse_too_large();
        return;
    }
    if (ws_.is_message_done()) deliver_message();
    read_next();
}

template <class Next>
void WsSession<Next>::deliver_message() {
    // After close() the application considers the socket gone: what still arrives is read (to see the peer's close
    // frame) but not delivered.
    if (!close_requested_ && !closing_.load(std::memory_order_relaxed)) {
        const auto data = read_buffer_.cdata();
        try {
            handler_->on_message(std::string_view(static_cast<const char*>(data.data()), data.size()),
                                 ws_.got_binary());
        } catch (const std::exception& e) {
            spdlog::warn("ws {}: on_message threw: {}", remote_, e.what());
            close(close_code::kInternalError, "internal error");
        }
    }
    read_buffer_.consume(read_buffer_.size());
    if (read_buffer_.capacity() > kKeptReadBuffer) read_buffer_.shrink_to_fit();
}

template <class Next>
void WsSession<Next>::refuse_too_large() {
    // No further read: the close handshake drains the rest of the message (Beast discards data frames while it
    // waits for the peer's close frame), bounded by timer_.
    const std::size_t held = read_buffer_.size();
    read_buffer_.consume(held);
    read_buffer_.shrink_to_fit();
    state_->messages_too_large.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("ws {}: message passed {} bytes, closing", remote_, state_->options.ws_message_limit);
    if (!close_requested_ && !closing_.load(std::memory_order_relaxed)) {
        try {
            handler_->on_too_large(held, ws_.got_binary());
        } catch (const std::exception& e) {
            spdlog::warn("ws {}: on_too_large threw: {}", remote_, e.what());
        }
    }
    // Posted, like the handler's own sends and close: a frame it queued just now goes out before the close.
    if (!closing_.exchange(true)) {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
            self->begin_close(close_code::kTooBig, "message too big", false);
        });
    }
}

template <class Next>
void WsSession<Next>::enqueue(Frame frame, std::size_t bytes) {
    if (finished_ || close_requested_) {
        queued_bytes_.fetch_sub(bytes, std::memory_order_relaxed);  // raced with close(): dropped
        return;
    }
    queue_.push_back(std::move(frame));
    write_next();
}

template <class Next>
void WsSession<Next>::begin_close(std::uint16_t code, std::string reason, bool drop_queued) {
    if (finished_ || close_requested_) return;
    close_requested_ = true;
    close_code_ = code;
    if (reason.size() > kMaxCloseReason) reason.resize(kMaxCloseReason);
    close_reason_ = std::move(reason);
    if (drop_queued) this->drop_queued();
    timer_.expires_after(state_->options.handshake_timeout);  // a pending authentication deadline is cancelled
    timer_.async_wait([self = this->shared_from_this()](const boost::system::error_code& error) {
        if (error || self->finished_) return;
        spdlog::debug("ws {}: close did not complete in time; dropping the connection", self->remote_);
        self->abort_socket();
    });
    write_next();
}

template <class Next>
void WsSession<Next>::write_next() {
    if (writing_ || finished_ || !open_) return;
    if (queue_front_ < queue_.size()) {
        writing_ = true;
        frame_in_flight_ = true;
        const Frame& frame = queue_[queue_front_];
        ws_.binary(frame.binary);
        // A head is made here, on the strand, and written with the shared rest in one gather write (no copy of it).
        head_ = frame.head ? frame.head->bytes(frame.binary) : std::string();
        const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_),
                                                        frame.data ? asio::buffer(*frame.data) : asio::const_buffer()};
        ws_.async_write(buffers, [self = this->shared_from_this()](const boost::system::error_code& error,
                                                                   std::size_t) { self->on_write(error); });
    } else if (close_requested_ && !close_sent_) {
        writing_ = true;
        close_sent_ = true;
        ws_.async_close(
            websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_),
            [self = this->shared_from_this()](const boost::system::error_code& error) { self->on_close_sent(error); });
    }
}

template <class Next>
void WsSession<Next>::on_write(const boost::system::error_code& error) {
    writing_ = false;
    frame_in_flight_ = false;
    queued_bytes_.fetch_sub(queue_[queue_front_].size(), std::memory_order_relaxed);
    pop_front_frame();
    head_.clear();
    if (error) {
        if (!finished_) spdlog::debug("ws {}: write: {}", remote_, error.message());
        abort_socket();  // the read then ends too, and finish() runs once
        if (!reading_) finish(error);
        return;
    }
    write_next();
}

template <class Next>
void WsSession<Next>::on_close_sent(const boost::system::error_code& error) {
    writing_ = false;
    if (error && !finished_) spdlog::debug("ws {}: close: {}", remote_, error.message());
    abort_socket();  // the close handshake is over either way; make sure the read loop ends
    if (!reading_) finish(error ? error : boost::system::error_code(websocket::error::closed));
}

template <class Next>
void WsSession<Next>::pop_front_frame() {
    queue_[queue_front_] = Frame{};  // the shared bytes go now, not when the slot is reused
    if (++queue_front_ == queue_.size()) {
        std::vector<Frame>().swap(queue_);
        queue_front_ = 0;
    } else if (queue_front_ >= 32 && queue_front_ * 2 >= queue_.size()) {
        // A queue that never drains does not keep its written slots: at most half of it is spent.
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_front_));
        queue_front_ = 0;
    }
}

template <class Next>
void WsSession<Next>::drop_queued() {
    // A frame in flight stays: Beast still refers to its bytes until its write completes.
    const std::size_t keep = queue_front_ + (frame_in_flight_ ? 1 : 0);
    std::size_t dropped = 0;
    for (std::size_t i = keep; i < queue_.size(); ++i) dropped += queue_[i].size();
    if (keep < queue_.size()) queue_.resize(keep);
    if (queue_front_ == queue_.size()) {
        std::vector<Frame>().swap(queue_);
        queue_front_ = 0;
    }
    queued_bytes_.fetch_sub(dropped, std::memory_order_relaxed);
}

template <class Next>
void WsSession<Next>::abort_socket() {
    beast::get_lowest_layer(ws_).close();
}

template <class Next>
void WsSession<Next>::finish(const boost::system::error_code& error) {
    if (finished_) return;
    finished_ = true;
    closing_.store(true, std::memory_order_release);
    timer_.cancel();
    if (unauthenticated_slot_) unauthenticated_slot_->release();
    if (error == websocket::error::closed) {
        spdlog::debug("ws {}: closed, code {}", remote_, static_cast<unsigned>(ws_.reason().code));
    } else if (is_routine_end(error)) {
        spdlog::debug("ws {}: closed: {}", remote_, error.message());
    } else {
        spdlog::warn("ws {}: closed: {}", remote_, error.message());
    }
    abort_socket();
    drop_queued();
    state_->registry.remove(registry_id_);
    registry_id_ = 0;
    slot_.release();
    if (open_) {
        try {
            handler_->on_closed();
        } catch (const std::exception& e) {
            spdlog::warn("ws {}: on_closed threw: {}", remote_, e.what());
        }
    }
    handler_.reset();
}

template class WsSession<TcpLayer>;
template class WsSession<beast::ssl_stream<beast::tcp_stream>>;

}  // namespace yihu::net::detail
