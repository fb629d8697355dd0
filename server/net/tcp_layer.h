#pragma once

// Internal to server/net: the TCP stream under a server WebSocket.

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <memory>

namespace yihu::net::detail {

// A tcp_stream with its own WebSocket teardown. Beast 1.81's TCP teardown stops draining after the first read (its
// end check looks at the wrong variable), so the socket is closed with input still unread, the kernel answers with
// a reset, and a peer still writing (typically the message that was too big) loses the close frame we just sent
// (1009 turns into a broken pipe). This teardown drains until the peer's EOF, bounded in time.
class TcpLayer : public boost::beast::tcp_stream {
  public:
    explicit TcpLayer(boost::beast::tcp_stream&& stream) : boost::beast::tcp_stream(std::move(stream)) {}
};

inline constexpr std::chrono::seconds kTeardownLinger{2};

// One teardown: half-close (server), drain until the peer's EOF or the linger deadline, close.
struct TeardownOp {
    TcpLayer& stream;
    boost::beast::role_type role;
    std::unique_ptr<std::array<char, 2048>> scratch = std::make_unique<std::array<char, 2048>>();
    bool started = false;

    template <class Self>
    void operator()(Self& self, boost::system::error_code error = {}, std::size_t = 0) {
        boost::system::error_code ignored;
        if (!started) {
            started = true;
            if (role == boost::beast::role_type::server) {
                stream.socket().shutdown(boost::asio::socket_base::shutdown_send, ignored);
            }
            stream.expires_after(kTeardownLinger);
        } else if (error) {
            if (role == boost::beast::role_type::client) {
                stream.socket().shutdown(boost::asio::socket_base::shutdown_send, ignored);
            }
            stream.close();
            self.complete(error == boost::asio::error::eof ? boost::system::error_code{} : error);
            return;
        }
        auto buffer = boost::asio::buffer(*scratch);
        stream.async_read_some(buffer, std::move(self));
    }
};

// Found by argument-dependent lookup from Beast's close and read operations; preferred over Beast's overload for
// basic_stream because it needs no derived-to-base conversion.
template <class Handler>
void async_teardown(boost::beast::role_type role, TcpLayer& stream, Handler&& handler) {
    boost::asio::async_compose<std::decay_t<Handler>, void(boost::system::error_code)>(TeardownOp{stream, role},
                                                                                       handler, stream);
}

}  // namespace yihu::net::detail
