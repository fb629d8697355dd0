#pragma once

// A WebSocket client that can send a message in fragments (continuation frames), which client::WsClient cannot:
// what a hostile client does to make a server buffer a message that never ends. Every call is bounded in time.

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace yihu::net::testing {

class FragmentClient {
  public:
    struct Outcome {
        std::vector<std::pair<std::string, bool>> messages;  // data, binary
        bool closed = false;                                 // a close frame (or the end of the stream) arrived
        std::uint16_t close_code = 0;                        // the close frame's code, 0 without one
    };

    FragmentClient(std::uint16_t port, const std::string& target) : ws_(io_) {
        namespace asio = boost::asio;
        asio::ip::tcp::resolver resolver(io_);
        boost::beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
        boost::beast::get_lowest_layer(ws_).connect(resolver.resolve("127.0.0.1", std::to_string(port)));
        boost::system::error_code error = run([&](auto done) { ws_.async_handshake("127.0.0.1", target, done); });
        if (error) throw std::runtime_error("handshake: " + error.message());
        ws_.auto_fragment(false);
    }

    // One fragment of a message that is not finished (fin = false). False once the server has closed or the write
    // failed or took longer than the timeout.
    bool send_fragment(std::string_view data, bool binary,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        ws_.binary(binary);
        auto error =
            run([&](auto done) { ws_.async_write_some(false, boost::asio::buffer(data.data(), data.size()), done); },
                timeout);
        return !error;
    }

    // Reads messages until the server closes, or `timeout` passes.
    Outcome read_until_closed(std::chrono::milliseconds timeout) {
        Outcome out;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            boost::beast::flat_buffer buffer;
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            auto error = run([&](auto done) { ws_.async_read(buffer, done); }, left);
            if (error == boost::asio::error::operation_aborted) break;  // our own deadline
            if (error) {
                out.closed = true;
                out.close_code = static_cast<std::uint16_t>(ws_.reason().code);
                break;
            }
            out.messages.emplace_back(boost::beast::buffers_to_string(buffer.data()), ws_.got_binary());
        }
        return out;
    }

  private:
    // Runs one asynchronous operation on the private io_context, at most `timeout`; operation_aborted on timeout.
    template <class Start>
    boost::system::error_code run(Start start, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        boost::system::error_code result = boost::asio::error::operation_aborted;
        bool done = false;
        io_.restart();
        start([&](boost::system::error_code error, auto&&...) {
            result = error;
            done = true;
        });
        io_.run_for(timeout);
        if (!done) {
            boost::beast::get_lowest_layer(ws_).socket().cancel();
            io_.restart();
            io_.run_for(std::chrono::seconds(2));
        }
        return done ? result : boost::system::error_code(boost::asio::error::operation_aborted);
    }

    boost::asio::io_context io_;
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
};

}  // namespace yihu::net::testing
