#pragma once

// Internal to server/net: one WebSocket, from the upgrade to the closed socket. Owns the application's handler; the
// application holds only a WsConnection handle that refers back weakly, so no reference cycle keeps a closed
// session (or its handler) alive.

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/http_convert.h"
#include "net/server_state.h"
#include "net/tcp_layer.h"
#include "net/ws_connection.h"

namespace yihu::net::detail {

// `Next` is the stream under the WebSocket: TcpLayer (plain) or a beast::ssl_stream over a tcp_stream (TLS, the
// handshake done); both are instantiated in ws_session.cpp.
template <class Next>
class WsSession : public Closable, public std::enable_shared_from_this<WsSession<Next>> {
  public:
    // `unauthenticated`: the handler needs authentication and the caller already counted the socket in
    // state->unauthenticated_count; the session gives that unit back.
    WsSession(std::shared_ptr<ServerState> state, Next stream, std::string remote, bool unauthenticated);
    ~WsSession() override;

    // On the connection's strand: answers the upgrade, then on_open and the read loop.
    void start(BeastRequest upgrade, std::unique_ptr<WsHandler> handler);

    // Any thread (see WsConnection).
    bool send(Frame frame);
    void close(std::uint16_t code, std::string reason);
    void authenticated();
    std::size_t queued_bytes() const { return queued_bytes_.load(std::memory_order_relaxed); }
    const std::string& remote() const { return remote_; }

    void shutdown(std::uint16_t code, const std::string& reason) override { close(code, reason); }

  private:
    // Everything below runs on the strand.
    void on_accept(const boost::system::error_code& error);
    void read_next();
    void on_read(const boost::system::error_code& error, std::size_t bytes);
    void deliver_message();
    void refuse_too_large();
    void on_auth_deadline(const boost::system::error_code& error);
    void enqueue(Frame frame, std::size_t bytes);
    void begin_close(std::uint16_t code, std::string reason, bool drop_queued);
    void write_next();
    void on_write(const boost::system::error_code& error);
    void on_close_sent(const boost::system::error_code& error);
    void pop_front_frame();
    void drop_queued();
    void abort_socket();
    void finish(const boost::system::error_code& error);

    std::shared_ptr<ServerState> state_;
    // deflateSupported = false: permessage-deflate is compiled out; it costs memory per socket (DESIGN.md).
    boost::beast::websocket::stream<Next, false> ws_;
    // One timer, two jobs that never overlap: ServerOptions::auth_timeout while unauthenticated, then, once a close
    // is requested, the bound on a close stuck behind a write the peer does not read.
    boost::asio::steady_timer timer_;
    boost::beast::flat_buffer read_buffer_;
    // Kept until the accept completes; on the heap, so an open socket does not carry its empty slot.
    std::unique_ptr<BeastRequest> upgrade_request_;
    std::unique_ptr<WsHandler> handler_;
    // Frames from queue_[queue_front_] on are waiting; queue_[queue_front_] is in flight when frame_in_flight_. A
    // vector (not a std::deque, which holds a map and a node even when empty) given back whenever it drains.
    std::vector<Frame> queue_;
    std::size_t queue_front_ = 0;
    std::string head_;  // the in-flight frame's head bytes (Beast refers to them until the write completes)
    std::string remote_;
    ConnectionSlot slot_;
    std::optional<ConnectionSlot> unauthenticated_slot_;  // until authenticated() or the end
    std::uint64_t registry_id_ = 0;

    // Read from any thread.
    std::atomic<std::size_t> queued_bytes_{0};
    std::atomic<bool> closing_{false};        // close requested or finished: send() refuses
    std::atomic<bool> authenticated_{false};  // set by authenticated() at once, so a deadline in flight spares it

    bool open_ = false;             // upgrade answered and on_open called
    bool reading_ = false;          // a read is in flight (none after a too-large message: the close drains the rest)
    bool writing_ = false;          // a frame or the close frame is in flight (Beast allows one write at a time)
    bool frame_in_flight_ = false;  // queue_.front() is being written
    bool close_requested_ = false;
    bool close_sent_ = false;
    bool finished_ = false;  // on_closed has been called (or will never be, the upgrade having failed)
    std::uint16_t close_code_ = 0;
    std::string close_reason_;
};

}  // namespace yihu::net::detail
