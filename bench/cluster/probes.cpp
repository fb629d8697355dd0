#include "probes.h"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "api/auth/token.h"
#include "api/codec/json_codec.h"
#include "api/codec/push_ref.h"
#include "common/http_client.h"
#include "common/ws_client.h"
#include "core/geo/sphere.h"
#include "topology.h"
#include "yihu/v1/dispatcher.pb.h"
#include "yihu/v1/volunteer.pb.h"

namespace yihu::bench {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

const core::geo::LatLng kLake{22.93, 113.89};

std::string token(const std::string& secret, api::Role role, const std::string& subject) {
    api::Claims c;
    c.subject = subject;
    c.role = role;
    c.skills = {"swimmer"};
    c.tier = core::Tier::kRegistered;
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    c.issued_at = now;
    c.expires_at = now + 3600;
    return api::sign_token(c, secret);
}

v1::ClientMessage at(core::geo::LatLng p) {
    v1::ClientMessage m;
    m.mutable_position()->mutable_position()->mutable_location()->set_latitude(p.lat);
    m.mutable_position()->mutable_position()->mutable_location()->set_longitude(p.lon);
    m.mutable_position()->mutable_position()->set_accuracy_m(10);
    return m;
}

std::unique_ptr<client::WsClient> connect_phone(std::uint16_t port, const std::string& secret, const std::string& id,
                                                core::geo::LatLng where) {
    auto ws = client::WsClient::connect("127.0.0.1", port, "/v1/volunteer");
    v1::ClientMessage hello;
    hello.set_request_id(1);
    hello.mutable_hello()->set_token(token(secret, api::Role::kVolunteer, id));
    hello.mutable_hello()->set_protocol_version(1);
    hello.mutable_hello()->set_availability(v1::AVAILABILITY_ON_DUTY);
    *hello.mutable_hello()->mutable_position() = at(where).position().position();
    ws->send(hello.SerializeAsString(), true);
    const auto deadline = SteadyClock::now() + 5s;
    while (SteadyClock::now() < deadline) {
        auto r = ws->receive(500ms);
        v1::ServerMessage m;
        if (r && m.ParseFromString(r->data) && m.has_welcome()) return ws;
        if (ws->closed()) break;
    }
    throw std::runtime_error("phone " + id + " got no Welcome on port " + std::to_string(port));
}

}  // namespace

AlertLatency measure_alert_latency(const std::string& secret, const std::vector<std::uint16_t>& phone_ports,
                                   std::uint16_t dispatcher_port, int alerts) {
    std::vector<std::unique_ptr<client::WsClient>> phones;
    for (int i = 0; i < 3; ++i) {
        phones.push_back(connect_phone(phone_ports[static_cast<std::size_t>(i) % phone_ports.size()], secret,
                                       "bench-v" + std::to_string(i),
                                       core::geo::destination(kLake, 90.0 * i, 50 + 40 * i)));
    }
    std::mutex mutex;
    std::condition_variable arrived;
    std::map<std::string, SteadyClock::time_point> first_seen;
    std::atomic<bool> stop{false};
    std::vector<std::thread> readers;
    for (auto& phone : phones) {
        readers.emplace_back([&, ws = phone.get()] {
            while (!stop) {
                auto r = ws->receive(50ms);
                if (!r) continue;
                const auto t = SteadyClock::now();
                v1::ServerMessage m;
                if (!m.ParseFromString(r->data)) continue;
                const std::optional<api::PushRef> push = api::push_ref(m);
                if (!push) continue;
                if (m.has_alert()) {
                    std::lock_guard lock(mutex);
                    first_seen.emplace(push->alert_id, t);  // keeps the earliest
                    arrived.notify_all();
                }
                v1::ClientMessage ack;
                ack.mutable_ack()->set_seq(push->seq);
                ws->send(ack.SerializeAsString(), true);
            }
        });
    }
    const std::string dispatcher = token(secret, api::Role::kDispatcher, "bench-dispatcher");
    client::HttpClient http("127.0.0.1", dispatcher_port);
    const std::string body =
        R"({"kind":"ALERT_KIND_DROWNING","center":{"latitude":22.93,"longitude":113.89},"title":"bench","responders_wanted":1})";
    AlertLatency out;
    for (int k = 0; k < alerts; ++k) {
        const auto t0 = SteadyClock::now();
        auto reply = http.request("POST", "/v1/alerts", body, dispatcher, 10s);
        v1::Alert a;
        if (reply.status != 201 || !api::parse_json(reply.body, a).ok()) {
            throw std::runtime_error("POST /v1/alerts: " + std::to_string(reply.status) + " " + reply.body);
        }
        {
            std::unique_lock lock(mutex);
            if (arrived.wait_for(lock, 5s, [&] { return first_seen.count(a.id()) > 0; })) {
                out.samples_ns.push_back(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(first_seen[a.id()] - t0).count());
            } else {
                ++out.missed;
            }
        }
        http.request("POST", "/v1/alerts/" + a.id() + ":resolve", R"({"found":true})", dispatcher, 10s);
        std::this_thread::sleep_for(10ms);  // the close notices go out before the next alert
    }
    stop = true;
    for (auto& t : readers) t.join();
    return out;
}

PositionRate measure_position_rate(const std::string& secret, const std::vector<std::uint16_t>& phone_ports,
                                   std::uint16_t hub_port, int phones, double seconds) {
    std::vector<std::unique_ptr<client::WsClient>> sockets;
    for (int i = 0; i < phones; ++i) {
        sockets.push_back(connect_phone(phone_ports[static_cast<std::size_t>(i) % phone_ports.size()], secret,
                                        "bench-p" + std::to_string(i), core::geo::destination(kLake, i % 360, 3'000)));
    }
    const double before = scrape_counter(hub_port, "yihu_position_updates_total");
    std::atomic<std::uint64_t> sent{0};
    const auto deadline =
        SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
    constexpr int kThreads = 4;
    std::vector<std::thread> senders;
    for (int t = 0; t < kThreads; ++t) {
        senders.emplace_back([&, t] {
            std::uint64_t n = 0;
            double step = 0;
            while (SteadyClock::now() < deadline) {
                for (std::size_t i = static_cast<std::size_t>(t); i < sockets.size(); i += kThreads) {
                    step += 1;
                    const auto p =
                        core::geo::destination(kLake, static_cast<double>(i % 360), 3'000 + std::fmod(step, 40));
                    sockets[i]->send(at(p).SerializeAsString(), true);
                    ++n;
                }
            }
            sent += n;
        });
    }
    for (auto& t : senders) t.join();
    std::this_thread::sleep_for(1s);  // what is in flight lands
    const double after = scrape_counter(hub_port, "yihu_position_updates_total");
    return PositionRate{.sent_per_s = static_cast<double>(sent.load()) / seconds,
                        .applied_per_s = (after - before) / seconds};
}

}  // namespace yihu::bench
