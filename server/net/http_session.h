#pragma once

// Internal to server/net: one HTTP/1.1 connection (keep-alive), plain or over TLS, until it closes or is upgraded.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <optional>
#include <string>

#include "net/http_convert.h"
#include "net/server_state.h"

namespace yihu::net::detail {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// `Stream` is PlainStream or TlsStream (both instantiated in http_session.cpp). Over TLS the handshake comes first
// (bounded by ServerOptions::handshake_timeout); everything after it is the same.
template <class Stream>
class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession<Stream>> {
  public:
    // `refusal`: answer this (503 when full, 429 when rate-limited) without reading, then close.
    static void create(std::shared_ptr<ServerState> state, boost::asio::ip::tcp::socket socket,
                       std::optional<HttpResponse> refusal);

    HttpSession(std::shared_ptr<ServerState> state, boost::asio::ip::tcp::socket socket,
                std::optional<HttpResponse> refusal);
    ~HttpSession() override;

    void shutdown(std::uint16_t code, const std::string& reason) override;

  private:
    enum class Phase { kReading, kHandling, kWriting, kClosing };

    void start();
    void on_handshake(const boost::system::error_code& error);
    void read_request();
    void on_read(const boost::system::error_code& error);
    void handle_request();
    // Takes a token from the request's bearer-token bucket; false (and a 429 written) when there was none.
    bool admit(const BeastRequest& request);
    void upgrade(BeastRequest request);
    void write(HttpResponse response, bool keep_alive);
    void on_write(const boost::system::error_code& error, bool keep_alive);
    // Answers with an error the listener produces itself, then lingers and closes.
    void fail(unsigned status, std::string_view code, std::string message);
    // Half-closes, then reads and discards what the client still sends (the rest of an oversize body) until it
    // closes or a short deadline passes, so the client reads our response instead of a reset.
    void linger();
    void close();

    std::shared_ptr<ServerState> state_;
    Stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::optional<BeastResponse> response_;  // the one being written
    std::string remote_;
    ConnectionSlot slot_;
    std::uint64_t registry_id_ = 0;
    Phase phase_ = Phase::kReading;
    std::optional<HttpResponse> refusal_;
    bool shutting_down_ = false;  // close_all: no more keep-alive
    unsigned request_version_ = 11;
    bool request_keep_alive_ = true;
    bool request_is_head_ = false;  // the response to HEAD carries the length but not the body
};

}  // namespace yihu::net::detail
