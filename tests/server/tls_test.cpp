// TLS on a real node ([tls]): HTTPS and WSS with a certificate from a throwaway CA made by openssl at test time.
// A client that trusts that CA gets through; one that trusts another CA is refused at the handshake.

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <fstream>

#include "net/tls_context.h"
#include "node_harness.h"
#include "test_ca.h"

namespace yihu::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

class TlsNodeTest : public NodeTest {
  protected:
    void SetUp() override {
        ASSERT_TRUE(make_ca(certs_.path(), "ca", "node"));
        ASSERT_TRUE(make_ca(certs_.path(), "other", ""));
        start([this](ops::Config& c) {
            c.tls.cert_file = certs_.path() / "node.pem";
            c.tls.key_file = certs_.path() / "node.key";
            c.tls.ca_file = certs_.path() / "ca.pem";
        });
    }

    // A TLS connection to the node, verified against the CA file `ca` and the name `host`; null (and `error` set) if
    // the handshake failed.
    std::unique_ptr<TlsStream> open(const std::string& ca, const std::string& host, boost::system::error_code& error) {
        auto context = net::make_client_tls_context(certs_.path() / ca);
        EXPECT_TRUE(context) << context.error().message;
        if (!context) return nullptr;
        contexts_.push_back(*context);
        auto stream = std::make_unique<TlsStream>(io_, **context);
        EXPECT_TRUE(net::expect_server_name(stream->native_handle(), host));
        beast::get_lowest_layer(*stream).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), node_->port()));
        stream->handshake(asio::ssl::stream_base::client, error);
        if (error) return nullptr;
        return stream;
    }

    TempDir certs_;
    asio::io_context io_;
    std::vector<std::shared_ptr<net::TlsContext>> contexts_;  // outlive the streams made with them
};

TEST_F(TlsNodeTest, TlsHttpsAnswersAClientThatTrustsTheCa) {
    for (const std::string host : {"127.0.0.1", "localhost"}) {
        boost::system::error_code error;
        auto connection = open("ca.pem", host, error);
        ASSERT_TRUE(connection) << host << ": " << error.message();
        TlsStream& stream = *connection;

        http::request<http::string_body> request(http::verb::get, "/v1/alerts", 11);
        request.set(http::field::host, host);
        request.set(http::field::authorization, "Bearer " + dispatcher_);
        http::write(stream, request);
        beast::flat_buffer buffer;
        http::response<http::string_body> response;
        http::read(stream, buffer, response);
        EXPECT_EQ(response.result_int(), 200u) << response.body();
        v1::ListAlertsResponse alerts;
        EXPECT_TRUE(api::parse_json(response.body(), alerts).ok()) << response.body();
    }
}

TEST_F(TlsNodeTest, TlsWssCarriesAVolunteerSession) {
    auto context = net::make_client_tls_context(certs_.path() / "ca.pem");
    ASSERT_TRUE(context) << context.error().message;
    websocket::stream<TlsStream> ws(io_, **context);
    ASSERT_TRUE(net::expect_server_name(ws.next_layer().native_handle(), "localhost"));
    beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), node_->port()));
    ws.next_layer().handshake(asio::ssl::stream_base::client);
    beast::get_lowest_layer(ws).expires_never();
    ws.handshake("localhost", "/v1/volunteer");

    v1::ClientMessage hello;
    hello.set_request_id(1);
    hello.mutable_hello()->set_token(volunteer_token("v-tls"));
    hello.mutable_hello()->set_protocol_version(1);
    ws.text(true);
    ws.write(asio::buffer(api::to_json(hello)));
    beast::flat_buffer buffer;
    ws.read(buffer);
    v1::ServerMessage reply;
    ASSERT_TRUE(api::parse_json(beast::buffers_to_string(buffer.data()), reply).ok());
    ASSERT_TRUE(reply.has_welcome()) << reply.DebugString();
    EXPECT_EQ(reply.welcome().volunteer_id(), "v-tls");
    ws.close(websocket::close_code::normal);
}

TEST_F(TlsNodeTest, TlsClientThatTrustsAnotherCaIsRefused) {
    boost::system::error_code error;
    EXPECT_FALSE(open("other.pem", "127.0.0.1", error)) << "a certificate from an untrusted CA must fail the handshake";
    ASSERT_TRUE(error);
    EXPECT_NE(error.message().find("certificate verify failed"), std::string::npos) << error.message();

    // The right CA, the wrong name: refused too.
    error = {};
    EXPECT_FALSE(open("ca.pem", "yihu.example.org", error)) << "the certificate does not name this host";
    EXPECT_NE(error.message().find("certificate verify failed"), std::string::npos) << error.message();

    // The right CA and name: through (the two refusals above are the CA's and the name's doing, nothing else).
    error = {};
    EXPECT_TRUE(open("ca.pem", "localhost", error)) << error.message();

    // And plain HTTP on the TLS port gets no answer but a closed connection.
    client::HttpClient plain("127.0.0.1", node_->port());
    EXPECT_THROW(plain.request("GET", "/healthz", {}, {}, std::chrono::seconds{5}), std::runtime_error);
}

TEST(TlsConfig, TlsStartRefusesAKeyThatIsNotTheCertificatesAndMissingFiles) {
    TempDir certs;
    ASSERT_TRUE(make_ca(certs.path(), "ca", "node"));
    ASSERT_TRUE(make_ca(certs.path(), "other", ""));
    TempDir data;
    ops::Config c = test_config(data.path());
    c.tls.cert_file = certs.path() / "node.pem";
    c.tls.key_file = certs.path() / "other.key";
    {
        app::Node node(c);
        auto s = node.start();
        ASSERT_FALSE(s);
        // OpenSSL finds the mismatch as it loads the key ("key values mismatch"); the message names the file.
        EXPECT_NE(s.error().message.find("tls.key_file " + c.tls.key_file.string()), std::string::npos)
            << s.error().message;
        EXPECT_NE(s.error().message.find("mismatch"), std::string::npos) << s.error().message;
    }
    c.tls.key_file = certs.path() / "missing.key";
    {
        app::Node node(c);
        auto s = node.start();
        ASSERT_FALSE(s);
        EXPECT_NE(s.error().message.find("does not exist"), std::string::npos) << s.error().message;
    }
    auto half = ops::parse_config_toml("[tls]\ncert_file = \"/etc/yihu/node.pem\"\n");
    ASSERT_FALSE(half);
    EXPECT_NE(half.error().message.find("go together"), std::string::npos) << half.error().message;
}

}  // namespace
}  // namespace yihu::testing
