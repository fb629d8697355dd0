#pragma once

// Internal to server/net: accepts connections and hands each to an HttpSession on its own strand.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <mutex>

#include "core/result.h"
#include "net/server_state.h"

namespace yihu::net::detail {

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(boost::asio::io_context& io, std::shared_ptr<ServerState> state);

    // Binds, listens and starts accepting; returns the bound port.
    core::Result<std::uint16_t> open();
    // Any thread. Safe to call twice, or before open().
    void stop();

  private:
    void accept_next();  // with mutex_ held
    void on_accept(const boost::system::error_code& error, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& io_;
    std::shared_ptr<ServerState> state_;
    // stop() may come from any thread while an accept completes on another; Asio's acceptor is not thread-safe, so
    // every use of it goes through this mutex (once per accepted connection, not per message).
    std::mutex mutex_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_timer_;
    bool stopped_ = false;
};

}  // namespace yihu::net::detail
