#pragma once

// Integration-test support: a real node in-process on a free loopback port, with real WebSocket phones and a real
// HTTP dispatcher talking to it. Every wait is bounded.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "api/auth/token.h"
#include "api/codec/json_codec.h"
#include "app/node.h"
#include "common/http_client.h"
#include "common/ws_client.h"
#include "core/geo/sphere.h"
#include "support/temp_dir.h"
#include "yihu/v1/dispatcher.pb.h"
#include "yihu/v1/volunteer.pb.h"

namespace yihu::testing {

using namespace std::chrono_literals;

inline const core::geo::LatLng kLake{22.93, 113.89};  // Songshan Lake, Dongguan

inline ops::Config test_config(const std::filesystem::path& data_dir) {
    ops::Config c;
    c.server.port = 0;
    c.server.io_threads = 2;
    c.store.data_dir = data_dir;
    c.auth.token_secret = "integration-test-secret";
    c.delivery.ack_timeout = 700ms;  // short, so the retry test is quick
    c.delivery.max_retries = 3;
    return c;
}

inline std::string mint(const std::string& secret, api::Role role, const std::string& subject,
                        std::vector<std::string> skills = {}, core::Tier tier = core::Tier::kRegistered,
                        std::int64_t ttl_s = 3600) {
    api::Claims c;
    c.subject = subject;
    c.role = role;
    c.skills = std::move(skills);
    c.tier = tier;
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    c.issued_at = now;
    c.expires_at = now + ttl_s;
    return api::sign_token(c, secret);
}

// A phone: one WebSocket to /v1/volunteer speaking binary protobuf or JSON text.
class Phone {
  public:
    Phone(std::uint16_t port, bool json) : json_(json) {
        ws_ = client::WsClient::connect("127.0.0.1", port, "/v1/volunteer");
    }

    void send(const v1::ClientMessage& m) {
        if (json_) {
            ws_->send(api::to_json(m), false);
        } else {
            ws_->send(m.SerializeAsString(), true);
        }
    }
    void send_raw(std::string_view data, bool binary) { ws_->send(data, binary); }

    // The next message, or nullopt after `timeout` (or if the server closed the socket).
    std::optional<v1::ServerMessage> next(std::chrono::milliseconds timeout = 3s) {
        auto r = ws_->receive(timeout);
        if (!r) return std::nullopt;
        v1::ServerMessage m;
        EXPECT_EQ(r->binary, !json_) << "the server answers in the phone's encoding";
        if (r->binary) {
            EXPECT_TRUE(m.ParseFromString(r->data));
        } else {
            EXPECT_TRUE(api::parse_json(r->data, m).ok()) << r->data;
        }
        return m;
    }

    // Skips messages until one with this body arrives (pushes may interleave with replies).
    std::optional<v1::ServerMessage> next_of(v1::ServerMessage::BodyCase body, std::chrono::milliseconds timeout = 3s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto m = next(
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
            if (!m) return std::nullopt;
            if (m->body_case() == body) return m;
            skipped.push_back(*m);
        }
        return std::nullopt;
    }

    v1::Welcome hello(const std::string& token, std::optional<core::geo::LatLng> at, std::uint64_t last_seq = 0,
                      const std::string& epoch = "") {
        v1::ClientMessage m;
        m.set_request_id(1);
        auto* h = m.mutable_hello();
        h->set_token(token);
        h->set_protocol_version(1);
        h->set_last_seq(last_seq);
        h->set_last_epoch(epoch);
        h->set_availability(v1::AVAILABILITY_ON_DUTY);
        h->set_instance_id(instance_id);
        if (at) {
            h->mutable_position()->mutable_location()->set_latitude(at->lat);
            h->mutable_position()->mutable_location()->set_longitude(at->lon);
            h->mutable_position()->set_accuracy_m(10);
        }
        send(m);
        auto w = next_of(v1::ServerMessage::kWelcome);
        EXPECT_TRUE(w.has_value()) << "no Welcome";
        return w ? w->welcome() : v1::Welcome{};
    }

    void ack(std::uint64_t seq) {
        v1::ClientMessage m;
        m.mutable_ack()->set_seq(seq);
        send(m);
    }

    // Sends a request and returns its reply (RequestOk, Error, Pong...).
    std::optional<v1::ServerMessage> request(v1::ClientMessage m) {
        m.set_request_id(++next_request_);
        send(m);
        const auto deadline = std::chrono::steady_clock::now() + 3s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = next(1s);
            if (!r) continue;
            if (r->request_id() == m.request_id()) return r;
            skipped.push_back(*r);
        }
        return std::nullopt;
    }

    std::optional<v1::ServerMessage> respond(const std::string& alert_id, v1::ResponseKind kind) {
        v1::ClientMessage m;
        m.mutable_respond()->set_alert_id(alert_id);
        m.mutable_respond()->set_kind(kind);
        return request(m);
    }

    client::WsClient& ws() { return *ws_; }
    std::vector<v1::ServerMessage> skipped;  // messages passed over by next_of/request, in order
    std::string instance_id;                 // sent as Hello.instance_id (empty: none)

  private:
    bool json_;
    std::unique_ptr<client::WsClient> ws_;
    std::uint64_t next_request_ = 100;
};

class NodeTest : public ::testing::Test {
  protected:
    void SetUp() override { start(); }
    void TearDown() override { node_.reset(); }

    void start(std::function<void(ops::Config&)> adjust = {}) {
        ops::Config c = test_config(dir_.path());
        if (adjust) adjust(c);
        node_ = std::make_unique<app::Node>(c);
        auto s = node_->start();
        ASSERT_TRUE(s) << s.error().message;
        http_ = std::make_unique<client::HttpClient>("127.0.0.1", node_->port());
        dispatcher_ = mint(node_->token_secret(), api::Role::kDispatcher, "d-1");
    }
    void restart(std::function<void(ops::Config&)> adjust = {}) {
        http_.reset();
        node_.reset();
        start(std::move(adjust));
    }

    client::HttpClient::Reply call(std::string_view method, std::string_view target, std::string_view body = {}) {
        return http_->request(method, target, body, dispatcher_);
    }

    // POST /v1/alerts; returns the created alert.
    v1::Alert create(const std::string& json) {
        auto r = call("POST", "/v1/alerts", json);
        EXPECT_EQ(r.status, 201u) << r.body;
        v1::Alert a;
        EXPECT_TRUE(api::parse_json(r.body, a).ok()) << r.body;
        return a;
    }

    std::unique_ptr<Phone> phone(const std::string& id, std::optional<core::geo::LatLng> at,
                                 std::vector<std::string> skills = {"swimmer"}, bool json = false) {
        auto p = std::make_unique<Phone>(node_->port(), json);
        p->hello(mint(node_->token_secret(), api::Role::kVolunteer, id, std::move(skills)), at);
        return p;
    }

    std::string volunteer_token(const std::string& id) {
        return mint(node_->token_secret(), api::Role::kVolunteer, id, {"swimmer"});
    }

    testing::TempDir dir_;
    std::unique_ptr<app::Node> node_;
    std::unique_ptr<client::HttpClient> http_;
    std::string dispatcher_;
};

// A reply that came and is RequestOk; otherwise a failure saying which (no reply at all, or the reply's text).
inline ::testing::AssertionResult is_ok(const std::optional<v1::ServerMessage>& reply) {
    if (!reply) return ::testing::AssertionFailure() << "no reply";
    if (!reply->has_ok()) return ::testing::AssertionFailure() << "not RequestOk: " << reply->DebugString();
    return ::testing::AssertionSuccess();
}

inline core::geo::LatLng near_lake(double metres, double bearing) {
    return core::geo::destination(kLake, bearing, metres);
}

inline std::string drowning_json(int wanted = 3) {
    return R"({"kind":"ALERT_KIND_DROWNING","center":{"latitude":22.93,"longitude":113.89},"title":"Drowning at Songshan Lake","responders_wanted":)" +
           std::to_string(wanted) + "}";
}

}  // namespace yihu::testing
