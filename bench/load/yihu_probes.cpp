#include "yihu_probes.h"

#include <algorithm>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "api/auth/token.h"
#include "api/codec/json_codec.h"
#include "api/hub/hub_thread.h"
#include "mono_clock.h"
#include "phone_fleet.h"
#include "phone_placement.h"
#include "proc_stats.h"
#include "yihu/v1/alert.pb.h"

namespace yihu::bench::load {

using namespace std::chrono_literals;

namespace {

std::string dispatcher_token(const std::string& secret) {
    api::Claims c;
    c.subject = "load-dispatcher";
    c.role = api::Role::kDispatcher;
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    c.issued_at = now;
    c.expires_at = now + 6 * 3600;
    return api::sign_token(c, secret);
}

std::string lat_lng_json(core::geo::LatLng p) {
    std::ostringstream out;
    out.precision(9);
    out << R"({"latitude":)" << p.lat << R"(,"longitude":)" << p.lon << "}";
    return out.str();
}

double us_between(std::int64_t from_ns, std::int64_t to_ns) {
    return static_cast<double>(to_ns - from_ns) / 1e3;
}

}  // namespace

YihuProbes::YihuProbes(WorkerPool& pool, YihuServer& server, const std::string& secret, std::size_t phones,
                       ProgressLine& progress)
    : pool_(pool),
      server_(server),
      phones_(phones),
      progress_(progress),
      token_(dispatcher_token(secret)),
      http_(std::make_unique<client::HttpClient>("127.0.0.1", server.port())) {}

YihuProbes::~YihuProbes() = default;

YihuProbes::Posted YihuProbes::post_alert(const std::string& body) {
    Posted p;
    p.sent_ns = mono_ns();
    const auto reply = http_->request("POST", "/v1/alerts", body, token_, 60s);
    p.replied_ns = mono_ns();
    v1::Alert alert;
    if (reply.status != 201 || !api::parse_json(reply.body, alert).ok()) {
        throw std::runtime_error("POST /v1/alerts: HTTP " + std::to_string(reply.status) + " " + reply.body);
    }
    p.id = alert.id();
    return p;
}

void YihuProbes::resolve(const std::string& id) {
    const auto reply = http_->request("POST", "/v1/alerts/" + id + ":resolve", R"({"found":true})", token_, 60s);
    if (reply.status != 200) {
        throw std::runtime_error("resolve " + id + ": HTTP " + std::to_string(reply.status) + " " + reply.body);
    }
}

bool YihuProbes::wait_until_acked(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const double pushes = server_.metric_of_all("yihu_pushes_total");
        if (pushes > 0 && server_.metric_of_all("yihu_acks_total") >= pushes) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

FanoutFigures YihuProbes::fanout(int rounds) {
    FanoutFigures f;
    f.rss_before_kib = rss_kib(server_.pids());
    const auto n = static_cast<std::int64_t>(phones_);
    const auto timeout = std::chrono::milliseconds(60'000 + phones_);
    for (int r = 0; r < rounds; ++r) {
        const std::string body = R"({"kind":"ALERT_KIND_DISASTER","center":)" + lat_lng_json(kCityCenter) +
                                 R"(,"area":{"circle":{"center":)" + lat_lng_json(kCityCenter) + R"(,"radiusM":)" +
                                 std::to_string(kCityRadiusM * 1.2) + R"(}},"title":"yihu_load city-wide )" +
                                 std::to_string(r + 1) + R"("})";
        const std::int64_t cpu_before = cpu_ns(server_.pids());
        const std::int64_t hub_cpu_before = thread_cpu_ns(server_.pid(), api::kHubThreadName);
        const Posted p = post_alert(body);
        const Arrival a = wait_for(pool_, "a:" + p.id, n, timeout);
        FanoutRound round;
        round.cpu_per_recipient_us =
            static_cast<double>(cpu_ns(server_.pids()) - cpu_before) / 1e3 / static_cast<double>(n);
        round.hub_cpu_per_recipient_us =
            static_cast<double>(thread_cpu_ns(server_.pid(), api::kHubThreadName) - hub_cpu_before) / 1e3 /
            static_cast<double>(n);
        round.reply_us = us_between(p.sent_ns, p.replied_ns);
        round.received = a.count;
        round.dups = a.dups;
        round.payload_bytes = a.payload_bytes;
        if (a.count > 0) {
            round.first_us = us_between(p.sent_ns, a.first_ns);
            round.last_us = us_between(p.sent_ns, a.last_ns);
            round.per_recipient_us = round.last_us / static_cast<double>(n);
        }
        resolve(p.id);
        const Arrival closed = wait_for(pool_, "c:" + p.id, a.count, timeout);
        round.closed = closed.count;
        // Each round times an alert on a settled node: the phones' acknowledgements of this round (alert and close
        // notice, 2 x N) are taken by the hub before the next POST, as they would be between two real city-wide
        // alerts. Without this the next alert queues behind N acknowledgements, which Node and raw never get.
        round.settled = wait_until_acked(timeout);
        // Duplicates show up late if at all (a retry after the ack timeout would): count them after the close.
        round.dups = arrivals(pool_, "a:" + p.id).dups;
        f.rounds.push_back(round);
        std::ostringstream t;
        t << "[yihu fan-out] alert " << r + 1 << "/" << rounds << ": " << a.count << "/" << n << " phones, last after "
          << static_cast<long long>(round.last_us) << " us";
        progress_.update(t.str());
    }
    // The acks of the last close notices are in flight: let the server take them before weighing it.
    std::this_thread::sleep_for(1s);
    f.rss_after_kib = rss_kib(server_.pids());
    progress_.done("[yihu fan-out] " + std::to_string(rounds) + " city-wide alerts done");
    return f;
}

LatencyFigures YihuProbes::drowning(int alerts, double positions_per_s, std::uint64_t seed) {
    LatencyFigures f;
    f.positions_target_per_s = positions_per_s;
    const std::int64_t positions_start = mono_ns();
    if (positions_per_s > 0) {
        const double share = positions_per_s / static_cast<double>(pool_.size());
        pool_.send_all("positions " + std::to_string(share) + " 3600000");
        std::this_thread::sleep_for(1s);  // the load is steady before the first alert
    }
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, phones_ - 1);
    const std::string label = positions_per_s > 0 ? "[yihu mixed]" : "[yihu drowning]";
    for (int k = 0; k < alerts; ++k) {
        const std::string body = R"({"kind":"ALERT_KIND_DROWNING","center":)" +
                                 lat_lng_json(phone_home(pick(rng), phones_)) +
                                 R"(,"title":"yihu_load drowning","responders_wanted":1})";
        const Posted p = post_alert(body);
        const Arrival a = wait_for(pool_, "a:" + p.id, 1, 5s);
        f.reply_us.push_back(us_between(p.sent_ns, p.replied_ns));
        if (a.count > 0) {
            f.first_push_us.push_back(us_between(p.sent_ns, a.first_ns));
        } else {
            ++f.missed;
        }
        resolve(p.id);
        // Every recipient's close notice lands before the next alert, so alerts do not overlap.
        const Arrival reached = arrivals(pool_, "a:" + p.id);
        wait_for(pool_, "c:" + p.id, reached.count, 5s);
        std::ostringstream t;
        t << label << " alert " << k + 1 << "/" << alerts;
        progress_.update(t.str());
    }
    if (positions_per_s > 0) {
        pool_.send_all("stop");
        std::int64_t sent = 0;
        for (const std::string& line : pool_.collect("positions_done", 30s)) sent += std::stoll(line.substr(15));
        f.positions_sent_per_s = static_cast<double>(sent) / (static_cast<double>(mono_ns() - positions_start) / 1e9);
    }
    progress_.done(label + " " + std::to_string(alerts) + " alerts done, " + std::to_string(f.missed) + " missed");
    return f;
}

double YihuProbes::idle_cores(double seconds) {
    const std::int64_t cpu_before = cpu_ns(server_.pid());
    const std::int64_t start = mono_ns();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    return static_cast<double>(cpu_ns(server_.pid()) - cpu_before) / static_cast<double>(mono_ns() - start);
}

std::vector<PositionStep> YihuProbes::positions(const std::vector<double>& rates, double seconds) {
    std::vector<PositionStep> steps;
    for (const double rate : rates) {
        PositionStep s;
        s.target_per_s = rate;
        const double applied_before = server_.metric("yihu_position_updates_total");
        const std::int64_t server_cpu_before = cpu_ns(server_.pid());
        const std::int64_t client_cpu_before = pool_.cpu_ns();
        const std::int64_t start = mono_ns();
        const auto duration_ms = static_cast<long long>(seconds * 1000);
        pool_.send_all("positions " + std::to_string(rate / static_cast<double>(pool_.size())) + " " +
                       std::to_string(duration_ms));
        std::int64_t sent = 0;
        for (const std::string& line : pool_.collect("positions_done", std::chrono::milliseconds(duration_ms + 30'000),
                                                     [&](std::int64_t, std::int64_t sent_so_far) {
                                                         std::ostringstream t;
                                                         t << "[yihu positions] " << static_cast<long long>(rate)
                                                           << "/s target: " << sent_so_far << " sent";
                                                         progress_.update(t.str());
                                                     })) {
            sent += std::stoll(line.substr(15));
        }
        const std::int64_t sending_end = mono_ns();
        // What is still in the server's socket buffers is applied within moments; it counts for this step.
        std::this_thread::sleep_for(300ms);
        const double applied = server_.metric("yihu_position_updates_total") - applied_before;
        const double wall_s = static_cast<double>(mono_ns() - start) / 1e9;
        const double send_s = static_cast<double>(sending_end - start) / 1e9;
        const auto server_cpu = static_cast<double>(cpu_ns(server_.pid()) - server_cpu_before);
        s.sent_per_s = static_cast<double>(sent) / send_s;
        s.applied_per_s = applied / send_s;
        s.server_cpu_us_per_update = applied > 0 ? server_cpu / applied / 1e3 : 0;
        s.server_cores = server_cpu / (wall_s * 1e9);
        s.client_cores = static_cast<double>(pool_.cpu_ns() - client_cpu_before) / (wall_s * 1e9);
        steps.push_back(s);
        std::ostringstream t;
        t << "[yihu positions] " << static_cast<long long>(rate)
          << "/s target: " << static_cast<long long>(s.sent_per_s) << "/s sent, "
          << static_cast<long long>(s.applied_per_s) << "/s applied, " << s.server_cpu_us_per_update
          << " us server CPU each";
        progress_.done(t.str());
    }
    return steps;
}

}  // namespace yihu::bench::load
