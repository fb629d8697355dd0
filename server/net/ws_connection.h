#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace yihu::net {

// WebSocket close codes yihu uses (RFC 6455 section 7.4).
namespace close_code {
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kGoingAway = 1001;  // server shutting down
inline constexpr std::uint16_t kProtocolError = 1002;
inline constexpr std::uint16_t kPolicyViolation = 1008;  // auth failure or deadline, session replaced, backpressure
inline constexpr std::uint16_t kTooBig = 1009;
inline constexpr std::uint16_t kInternalError = 1011;
inline constexpr std::uint16_t kTryAgainLater = 1013;  // this node cannot serve it now; another may
}  // namespace close_code

// The start of a message whose rest is shared by many connections (a push's envelope before its body). The
// connection makes the bytes on its own strand, just before the write, and writes them and the shared rest as one
// message with a gather write: the rest is never copied per connection. Immutable, so a retry can write it again.
class FrameHead {
  public:
    virtual ~FrameHead() = default;
    // The bytes in front of Frame::data, in the frame's encoding (called on the connection's strand; must not block).
    virtual std::string bytes(bool binary) const = 0;
    // About how many bytes bytes() gives, for the send queue's byte cap.
    virtual std::size_t size_hint() const = 0;
};

// One message to send. Shared so one encoded push can go to many sockets without copies. With `head`, the message is
// head->bytes(binary) followed by `data` (which may then be null: empty).
struct Frame {
    std::shared_ptr<const std::string> data;
    bool binary = true;
    std::shared_ptr<const FrameHead> head;

    std::size_t size() const { return (data ? data->size() : 0) + (head ? head->size_hint() : 0); }
    // The whole message in one piece (for a connection that forwards it rather than writing it to a socket).
    std::string assemble() const {
        std::string out = head ? head->bytes(binary) : std::string();
        if (data) out.append(*data);
        return out;
    }
};

// The application's handle on an open WebSocket. Thread-safe: any thread may call it; the calls are posted to the
// connection's strand. Frames go out in the order given.
class WsConnection {
  public:
    virtual ~WsConnection() = default;
    // Queues a frame. When the bytes queued but not yet written pass the connection's cap, the frame is dropped and
    // the connection is closed with kPolicyViolation (a slow reader must not make the server grow without bound);
    // returns false then, or when the connection is already closing.
    virtual bool send(Frame frame) = 0;
    // Sends every frame already queued, then a close frame with this code and reason, then closes the socket.
    virtual void close(std::uint16_t code, std::string reason) = 0;
    // Bytes queued and not yet written (for metrics and tests).
    virtual std::size_t queued_bytes() const = 0;
    virtual const std::string& remote() const = 0;
    // The peer proved who it is (see WsHandler::needs_authentication): the authentication deadline stops and the
    // socket gives back its unauthenticated slot. Idempotent; does nothing on connections that never needed it.
    virtual void authenticated() {}
};

// What the application does with one WebSocket. The listener calls these on the connection's strand, one at a time,
// in order: on_open once, then on_message for each complete message, then on_closed once (whatever the reason:
// peer close, error, timeout, server stop). A handler must not block.
class WsHandler {
  public:
    virtual ~WsHandler() = default;
    virtual void on_open(std::shared_ptr<WsConnection> connection) = 0;
    // `binary`: the frame's opcode (binary or text).
    virtual void on_message(std::string_view data, bool binary) = 0;
    virtual void on_closed() = 0;

    // Asked once, before the upgrade is answered. True: the socket is unauthenticated until the handler calls
    // WsConnection::authenticated(): it takes one of ServerOptions::max_unauthenticated slots (when they are all
    // taken the upgrade is answered 503) and is closed with 1008 once ServerOptions::auth_timeout has passed.
    virtual bool needs_authentication() const { return false; }
    // The message being read passed ServerOptions::ws_message_limit after `bytes` (counted as they arrive, fragments
    // included, so no more than the limit and one read are ever buffered). The rest is not read: the session closes
    // with 1009 right after this call; a handler may first send a frame saying why (it goes out before the close).
    virtual void on_too_large(std::size_t /*bytes*/, bool /*binary*/) {}
};

}  // namespace yihu::net
