#pragma once

// Whole-city federation tests: several nodes in-process on loopback ports chosen up front (each names the others in
// its [[peer]] list), each with its own data directory, peer key and phones. Every wait is bounded.

#include <map>
#include <set>

#include "common/child_process.h"
#include "node_harness.h"
#include "yihu/v1/federation.pb.h"

namespace yihu::testing {

using client::free_loopback_port;

// Where each test city is and what its volunteers cover: Laiwu and Jinan (about 75 km apart) and Tai'an.
struct CityPlace {
    core::geo::LatLng center;
    double coverage_m;
};
inline const std::map<std::string, CityPlace>& city_places() {
    static const std::map<std::string, CityPlace> places = {
        {"laiwu", {{36.20, 117.67}, 30'000}},
        {"jinan", {{36.65, 117.00}, 30'000}},
        {"taian", {{36.19, 117.09}, 25'000}},
    };
    return places;
}

inline std::string peer_key(const std::string& city) {
    return "peer-key-of-" + city;
}

struct City {
    std::string name;
    std::uint16_t port = 0;
    std::unique_ptr<TempDir> dir = std::make_unique<TempDir>();
    std::unique_ptr<app::Node> node;
    std::unique_ptr<client::HttpClient> http;
    std::string dispatcher;
    std::vector<std::string> peers;

    client::HttpClient::Reply call(std::string_view method, std::string_view target, std::string_view body = {}) {
        return http->request(method, target, body, dispatcher);
    }
    std::unique_ptr<Phone> phone(const std::string& id, core::geo::LatLng at) {
        auto p = std::make_unique<Phone>(port, false);
        p->hello(mint(node->token_secret(), api::Role::kVolunteer, id, {"swimmer"}), at);
        return p;
    }
    // GET /v1/alerts/{id} until `ready` holds for the detail (or the deadline passes: nullopt).
    std::optional<v1::AlertDetail> wait_for(const std::string& alert_id,
                                            std::function<bool(const v1::AlertDetail&)> ready,
                                            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = call("GET", "/v1/alerts/" + alert_id);
            if (r.status == 200) {
                v1::AlertDetail d;
                if (api::parse_json(r.body, d).ok() && ready(d)) return d;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return std::nullopt;
    }
};

inline ops::Config city_config(const City& city, const std::map<std::string, std::uint16_t>& ports) {
    ops::Config c = test_config(city.dir->path());
    c.server.city = city.name;
    c.server.port = city.port;
    c.auth.token_secret = "secret-of-" + city.name;
    c.federation.key = peer_key(city.name);
    c.federation.key_id = "k1";
    for (const std::string& peer : city.peers) {
        ops::PeerConfig p;
        p.name = peer;
        p.url = "ws://127.0.0.1:" + std::to_string(ports.at(peer));
        p.host = "127.0.0.1";
        p.port = ports.at(peer);
        p.key = peer_key(peer);
        p.key_id = "k1";
        const CityPlace& place = city_places().at(peer);
        p.circles.push_back({place.center, place.coverage_m});
        c.federation.peers.push_back(std::move(p));
    }
    return c;
}

// Cities linked by `links` (pairs, both directions), each started.
class FederationTest : public ::testing::Test {
  protected:
    void TearDown() override {
        for (auto& [name, c] : cities_) c.node.reset();
    }

    void make_cities(const std::vector<std::string>& names,
                     const std::vector<std::pair<std::string, std::string>>& links) {
        for (const auto& n : names) {
            City& c = cities_[n];
            c.name = n;
            c.port = free_loopback_port();
            ports_[n] = c.port;
        }
        for (const auto& [a, b] : links) {
            cities_[a].peers.push_back(b);
            cities_[b].peers.push_back(a);
        }
        for (const auto& n : names) ASSERT_NO_FATAL_FAILURE(start(n));
    }

    void start(const std::string& name) {
        City& c = cities_.at(name);
        ops::Config config = city_config(c, ports_);
        if (configure_) configure_(c, config);
        c.node = std::make_unique<app::Node>(std::move(config), open_store_);
        auto s = c.node->start();
        ASSERT_TRUE(s) << name << ": " << s.error().message;
        c.http = std::make_unique<client::HttpClient>("127.0.0.1", c.port);
        c.dispatcher = mint(c.node->token_secret(), api::Role::kDispatcher, "d-" + name);
    }

    City& city(const std::string& name) { return cities_.at(name); }

    v1::Alert create(const std::string& name, const std::string& json) {
        auto r = city(name).call("POST", "/v1/alerts", json);
        EXPECT_EQ(r.status, 201u) << r.body;
        v1::Alert a;
        EXPECT_TRUE(api::parse_json(r.body, a).ok()) << r.body;
        return a;
    }

    std::map<std::string, City> cities_;
    std::map<std::string, std::uint16_t> ports_;
    // Set before make_cities(): changes each city's configuration before its node starts (TLS, for example).
    std::function<void(const City&, ops::Config&)> configure_;
    // Set before make_cities(): the store each node opens (empty: SQLite in its data directory).
    app::Node::StoreOpener open_store_;
};

// A circle alert's JSON: kind, centre and radius (a fixed area).
inline std::string circle_alert_json(const std::string& kind, core::geo::LatLng at, double radius_m,
                                     const std::string& title = "Missing: man, 78, blue jacket") {
    std::ostringstream o;
    o.precision(10);
    o << R"({"kind":")" << kind << R"(","center":{"latitude":)" << at.lat << R"(,"longitude":)" << at.lon
      << R"(},"area":{"circle":{"center":{"latitude":)" << at.lat << R"(,"longitude":)" << at.lon << R"(},"radius_m":)"
      << radius_m << R"(}},"title":")" << title << R"(","responders_wanted":2})";
    return o.str();
}

}  // namespace yihu::testing
