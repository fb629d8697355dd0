#pragma once

// A small TCP load balancer for tests: listens on a free loopback port and splices each accepted connection to the
// next backend that accepts a connection (round robin, skipping dead ones), like haproxy in deploy/ does. Real
// sockets, its own I/O thread; every connection is torn down with the proxy.

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace yihu::testing {

class TcpProxy {
  public:
    explicit TcpProxy(std::vector<std::uint16_t> backends)
        : backends_(std::move(backends)), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~TcpProxy() {
        io_.stop();
        thread_.join();
    }
    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  private:
    using tcp = boost::asio::ip::tcp;
    struct Pipe : std::enable_shared_from_this<Pipe> {
        explicit Pipe(tcp::socket c) : client(std::move(c)), server(client.get_executor()) {}
        tcp::socket client;
        tcp::socket server;
        std::array<char, 16384> up{}, down{};
        void start() {
            pump(client, server, up);
            pump(server, client, down);
        }
        void pump(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& buffer) {
            from.async_read_some(boost::asio::buffer(buffer), [self = shared_from_this(), &from, &to, &buffer](
                                                                  boost::system::error_code ec, std::size_t n) {
                if (ec) return self->close();
                boost::asio::async_write(to, boost::asio::buffer(buffer.data(), n),
                                         [self, &from, &to, &buffer](boost::system::error_code ec2, std::size_t) {
                                             if (ec2) return self->close();
                                             self->pump(from, to, buffer);
                                         });
            });
        }
        void close() {
            boost::system::error_code ignored;
            client.close(ignored);
            server.close(ignored);
        }
    };

    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (ec) return;
            auto pipe = std::make_shared<Pipe>(std::move(socket));
            connect(pipe, 0);
            accept();
        });
    }
    // Tries backends from the next in turn; a connection no backend takes is closed (the client retries).
    void connect(std::shared_ptr<Pipe> pipe, std::size_t tried) {
        if (tried == backends_.size()) return pipe->close();
        const std::uint16_t port = backends_[next_++ % backends_.size()];
        pipe->server.async_connect({boost::asio::ip::make_address("127.0.0.1"), port},
                                   [this, pipe, tried](boost::system::error_code ec) {
                                       if (ec) {
                                           boost::system::error_code ignored;
                                           pipe->server.close(ignored);
                                           return connect(pipe, tried + 1);
                                       }
                                       pipe->start();
                                   });
    }

    std::vector<std::uint16_t> backends_;
    boost::asio::io_context io_;
    tcp::acceptor acceptor_;
    std::size_t next_ = 0;
    std::thread thread_;
};

}  // namespace yihu::testing
