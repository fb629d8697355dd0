// Peer links over wss:// (docs/federation.md, "TLS"): each city serves TLS with a certificate from a throwaway CA
// made by openssl at test time and dials its peer over wss://, verifying the peer's certificate against [tls] ca_file
// and the host name. A peer whose certificate another CA signed is refused: the link never comes up.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "federation_harness.h"
#include "net/tls_context.h"
#include "test_ca.h"

namespace yihu::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct Reply {
    unsigned status = 0;
    std::string body;
};

// One HTTPS request to 127.0.0.1:`port` as `token`, the server verified against `ca_file` (status 0: no answer).
Reply https(std::uint16_t port, const std::filesystem::path& ca_file, const std::string& token, http::verb method,
            const std::string& target, const std::string& body = {}) {
    auto context = net::make_client_tls_context(ca_file);
    if (!context) return {};
    asio::io_context io;
    beast::ssl_stream<beast::tcp_stream> stream(io, **context);
    if (!net::expect_server_name(stream.native_handle(), "localhost")) return {};
    beast::get_lowest_layer(stream).expires_after(5s);
    boost::system::error_code error;
    beast::get_lowest_layer(stream).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), error);
    if (!error) stream.handshake(asio::ssl::stream_base::client, error);
    if (error) return {};
    http::request<http::string_body> request(method, target, 11);
    request.set(http::field::host, "localhost");
    request.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) {
        request.set(http::field::content_type, "application/json");
        request.body() = body;
        request.prepare_payload();
    }
    http::write(stream, request, error);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    if (!error) http::read(stream, buffer, response, error);
    if (error) return {};
    return {response.result_int(), response.body()};
}

const core::geo::LatLng kBorder{36.50, 117.20};

// The value of `yihu_federation_tls_refused_total{peer="<peer>"}` in a node's metrics (0 when absent).
double tls_refused(const app::Node& node, const std::string& peer) {
    const std::string key = "yihu_federation_tls_refused_total{peer=\"" + peer + "\"} ";
    const std::string metrics = node.render_metrics();
    const auto at = metrics.find(key);
    return at == std::string::npos ? 0 : std::stod(metrics.substr(at + key.size()));
}

class FederationTlsTest : public FederationTest {
  protected:
    // Both cities serve TLS and dial wss://. `ca_of` names, per city, the CA that signs its certificate and that it
    // trusts (its [tls] ca_file); `host` is the host name in the peers' urls.
    void link_over_tls(std::map<std::string, std::string> ca_of, const std::string& host) {
        for (const auto& [city, ca] : ca_of) {
            if (!std::filesystem::exists(certs_.path() / (ca + ".pem"))) {
                ASSERT_TRUE(make_ca(certs_.path(), ca, ""));
            }
            ASSERT_TRUE(make_leaf(ca, city));
        }
        configure_ = [this, ca_of, host](const City& city, ops::Config& c) {
            c.tls.cert_file = certs_.path() / (city.name + ".pem");
            c.tls.key_file = certs_.path() / (city.name + ".key");
            c.tls.ca_file = certs_.path() / (ca_of.at(city.name) + ".pem");
            for (ops::PeerConfig& p : c.federation.peers) {
                p.host = host;
                p.url = "wss://" + host + ":" + std::to_string(p.port);
                p.tls = true;
            }
        };
        ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan"}, {{"laiwu", "jinan"}}));
        ca_of_ = std::move(ca_of);
    }

    // A dispatcher's request to `name` over HTTPS, trusting the CA that signed its certificate.
    Reply call(const std::string& name, http::verb method, const std::string& target, const std::string& body = {}) {
        City& c = city(name);
        return https(c.port, certs_.path() / (ca_of_.at(name) + ".pem"), c.dispatcher, method, target, body);
    }

    // GET the alert from `name` until `ready` holds (or 10 s pass: nullopt).
    std::optional<v1::AlertDetail> wait_for(const std::string& name, const std::string& id,
                                            std::function<bool(const v1::AlertDetail&)> ready) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            Reply r = call(name, http::verb::get, "/v1/alerts/" + id);
            v1::AlertDetail d;
            if (r.status == 200 && api::parse_json(r.body, d).ok() && ready(d)) return d;
            std::this_thread::sleep_for(20ms);
        }
        return std::nullopt;
    }

    v1::Alert create_in_laiwu() {
        Reply r = call("laiwu", http::verb::post, "/v1/alerts",
                       circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 25'000));
        EXPECT_EQ(r.status, 201u) << r.body;
        v1::Alert a;
        EXPECT_TRUE(api::parse_json(r.body, a).ok()) << r.body;
        return a;
    }

    // <leaf>.pem and <leaf>.key for localhost and 127.0.0.1, signed by the CA `ca` (made before).
    bool make_leaf(const std::string& ca, const std::string& leaf) {
        const std::filesystem::path dir = certs_.path();
        if (!openssl(dir, {"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj",
                           "/CN=localhost", "-keyout", leaf + ".key", "-out", leaf + ".csr"})) {
            return false;
        }
        std::ofstream(dir / "san.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
        return openssl(dir, {"x509", "-req", "-days", "1", "-in", leaf + ".csr", "-CA", ca + ".pem", "-CAkey",
                             ca + ".key", "-CAcreateserial", "-extfile", "san.ext", "-out", leaf + ".pem"});
    }

    TempDir certs_;
    std::map<std::string, std::string> ca_of_;
};

TEST_F(FederationTlsTest, FederationOverWssForwardsAnAlertAndItsClose) {
    ASSERT_NO_FATAL_FAILURE(link_over_tls({{"laiwu", "ca"}, {"jinan", "ca"}}, "localhost"));
    const v1::Alert a = create_in_laiwu();
    ASSERT_FALSE(a.id().empty());

    auto held = wait_for("jinan", a.id(), [](const v1::AlertDetail&) { return true; });
    ASSERT_TRUE(held.has_value()) << "the alert did not cross the wss:// link";
    EXPECT_EQ(held->alert().origin(), "laiwu");

    Reply resolved = call("laiwu", http::verb::post, "/v1/alerts/" + a.id() + ":resolve",
                          R"({"found":true,"message":"Found safe. Thank you all."})");
    ASSERT_EQ(resolved.status, 200u) << resolved.body;
    auto closed = wait_for(
        "jinan", a.id(), [](const v1::AlertDetail& d) { return d.alert().state() == v1::ALERT_STATE_RESOLVED_FOUND; });
    ASSERT_TRUE(closed.has_value()) << "the close did not cross the wss:// link";
    EXPECT_EQ(closed->alert().closing_note(), "Found safe. Thank you all.");
    EXPECT_EQ(tls_refused(*city("laiwu").node, "jinan"), 0);
    EXPECT_EQ(tls_refused(*city("jinan").node, "laiwu"), 0);
}

TEST_F(FederationTlsTest, FederationRefusesAPeerWhoseCertificateAnotherCaSigned) {
    // Jinan's certificate comes from a CA Laiwu does not trust, and Jinan trusts only that CA: neither dial gets
    // past the TLS handshake, so no link ever comes up and nothing crosses.
    ASSERT_NO_FATAL_FAILURE(link_over_tls({{"laiwu", "ca"}, {"jinan", "rogue"}}, "127.0.0.1"));
    const v1::Alert a = create_in_laiwu();
    ASSERT_FALSE(a.id().empty());

    // Refused again and again (each dial after the backoff), counted on both sides.
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline &&
           (tls_refused(*city("laiwu").node, "jinan") < 2 || tls_refused(*city("jinan").node, "laiwu") < 2)) {
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_GE(tls_refused(*city("laiwu").node, "jinan"), 2);
    EXPECT_GE(tls_refused(*city("jinan").node, "laiwu"), 2);

    // No link: the alert waits in Laiwu's outbox, Jinan has never heard of it, and both cities still answer.
    EXPECT_EQ(call("jinan", http::verb::get, "/v1/alerts/" + a.id()).status, 404u);
    auto detail = wait_for("laiwu", a.id(), [](const v1::AlertDetail&) { return true; });
    ASSERT_TRUE(detail.has_value()) << "Laiwu stopped answering";
    EXPECT_TRUE(detail->peer_counts().empty());
    const std::string metrics = city("laiwu").node->render_metrics();
    EXPECT_NE(metrics.find("yihu_federation_outbox 1"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace yihu::testing
