// federation_bench: issue 13's federation targets (bench/RESULTS.md), with two yihu-server processes on 127.0.0.1
// (single nodes, SQLite stores in a temporary directory, each the other's [[peer]] over ws://):
//   - cross_city_push: a dispatcher's POST /v1/alerts in city A until a volunteer's phone connected to city B reads
//     the alert push (link up), N alerts one after another; in the same alerts a phone on A itself (local delivery)
//     is timed as the baseline, and the POST's answer (A's commit) beside both, so the split shows where time goes;
//   - backlog_drain: B is stopped, A's outbox is filled with updates of alerts B holds, B is started again and the
//     time is taken until A's outbox gauge (yihu_federation_outbox) reads 0 and B holds every alert's latest version.
// Exits non-zero if an alert did not arrive exactly once on each phone or the backlog did not converge.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "api/auth/token.h"
#include "api/codec/json_codec.h"
#include "api/codec/push_ref.h"
#include "common/child_process.h"
#include "common/http_client.h"
#include "common/metric_value.h"
#include "common/ws_client.h"
#include "machine_info.h"
#include "yihu/v1/dispatcher.pb.h"
#include "yihu/v1/volunteer.pb.h"

using yihu::bench::build_type;
using yihu::bench::compiler;
using yihu::bench::cpu_model;
using yihu::bench::kernel;
using yihu::bench::load_average;

namespace po = boost::program_options;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct LatLng {
    double lat, lon;
};
// Laiwu (A) and Jinan (B), as in the federation tests: each covers 30 km around its centre.
const LatLng kLaiwu{36.20, 117.67};
const LatLng kJinan{36.65, 117.00};
// The alerts: a 25 km circle between the cities that reaches into Jinan's coverage.
const LatLng kBorder{36.50, 117.20};
// A's volunteer and B's volunteer, both inside that circle; B's inside B's coverage.
const LatLng kLaiwuVolunteer{36.48, 117.22};
const LatLng kJinanVolunteer{36.55, 117.15};

std::string mint(const std::string& secret, yihu::api::Role role, const std::string& subject) {
    yihu::api::Claims c;
    c.subject = subject;
    c.role = role;
    c.tier = yihu::core::Tier::kRegistered;
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    c.issued_at = now;
    c.expires_at = now + 3600;
    return yihu::api::sign_token(c, secret);
}

std::string circle_alert_json(int n) {
    std::ostringstream o;
    o.precision(10);
    o << R"({"kind":"ALERT_KIND_MISSING_PERSON","center":{"latitude":)" << kBorder.lat << R"(,"longitude":)"
      << kBorder.lon << R"(},"area":{"circle":{"center":{"latitude":)" << kBorder.lat << R"(,"longitude":)"
      << kBorder.lon << R"(},"radius_m":25000}},"title":"bench )" << n << R"(","responders_wanted":1})";
    return o.str();
}

// One city: a yihu-server process with its own configuration, data directory and log.
struct City {
    std::string name;
    std::string peer;
    std::uint16_t port = 0;
    std::filesystem::path dir;
    std::string log_level;
    std::vector<std::string> extra_args;  // more command-line options for the server
    yihu::client::ChildProcess process;

    std::string secret() const { return "secret-of-" + name; }
    std::string dispatcher() const { return mint(secret(), yihu::api::Role::kDispatcher, "d-" + name); }
    std::filesystem::path log() const { return dir / (name + ".log"); }

    void write_config(std::uint16_t peer_port, LatLng peer_center) const {
        std::ofstream out(dir / (name + ".toml"));
        // Rate limits off: the benchmark sends requests as fast as it can on purpose.
        out << "[server]\ncity = \"" << name << "\"\nport = " << port << "\n[store]\ndata_dir = \""
            << (dir / name).string() << "\"\n[auth]\ntoken_secret = \"" << secret() << "\"\n[log]\nlevel = \""
            << log_level << "\"\n"
            << "[limits]\nrequest_rate = 0\nposition_rate = 0\n"
            << "[federation]\nkey = \"peer-key-of-" << name << "\"\nkey_id = \"k1\"\n"
            << "[[peer]]\nname = \"" << peer << "\"\nurl = \"ws://127.0.0.1:" << peer_port << "\"\nkey = \"peer-key-of-"
            << peer << "\"\nkey_id = \"k1\"\ncoverage_circles = [[" << peer_center.lat << ", " << peer_center.lon
            << ", 30000]]\n";
    }
    void start(const std::string& server) {
        std::vector<std::string> args{server, "--config", (dir / (name + ".toml")).string()};
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        process = yihu::client::ChildProcess(args, log());
        const auto deadline = SteadyClock::now() + 30s;
        for (;;) {
            try {
                yihu::client::HttpClient probe("127.0.0.1", port);
                if (probe.request("GET", "/readyz", {}, {}, 1s).status == 200) return;
            } catch (const std::exception&) {
            }
            if (SteadyClock::now() > deadline) throw std::runtime_error(name + " not ready in 30 s");
            std::this_thread::sleep_for(10ms);
        }
    }
};

// A metric's value from a node's /metrics (-1 when absent or unreachable).
double scrape(std::uint16_t port, const std::string& name) {
    return yihu::bench::metric_value(port, name).value_or(-1);
}

// Polls A's outbox gauge until it reads `want` (true) or the timeout passes (false).
bool wait_outbox(std::uint16_t port, double want, std::chrono::milliseconds timeout) {
    const auto deadline = SteadyClock::now() + timeout;
    while (SteadyClock::now() < deadline) {
        if (scrape(port, "yihu_federation_outbox") == want) return true;
        std::this_thread::sleep_for(5ms);
    }
    return false;
}

// A volunteer's phone: says hello at a position, then a reader thread acks every push and notes when each alert's
// push first arrived and how many times it arrived.
class Phone {
  public:
    Phone(const City& city, const std::string& id, LatLng where) {
        ws_ = yihu::client::WsClient::connect("127.0.0.1", city.port, "/v1/volunteer");
        yihu::v1::ClientMessage hello;
        hello.set_request_id(1);
        hello.mutable_hello()->set_token(mint(city.secret(), yihu::api::Role::kVolunteer, id));
        hello.mutable_hello()->set_protocol_version(1);
        hello.mutable_hello()->set_availability(yihu::v1::AVAILABILITY_ON_DUTY);
        auto* p = hello.mutable_hello()->mutable_position();
        p->mutable_location()->set_latitude(where.lat);
        p->mutable_location()->set_longitude(where.lon);
        p->set_accuracy_m(10);
        ws_->send(hello.SerializeAsString(), true);
        const auto deadline = SteadyClock::now() + 5s;
        bool welcomed = false;
        while (!welcomed && SteadyClock::now() < deadline) {
            auto r = ws_->receive(500ms);
            yihu::v1::ServerMessage m;
            welcomed = r && m.ParseFromString(r->data) && m.has_welcome();
        }
        if (!welcomed) throw std::runtime_error("phone " + id + " got no Welcome from " + city.name);
        reader_ = std::thread([this] { read(); });
    }
    ~Phone() {
        stop_ = true;
        reader_.join();
    }
    // When the alert's push first arrived, waiting up to `timeout`.
    std::optional<SteadyClock::time_point> wait_for(const std::string& alert_id, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        if (!arrived_.wait_for(lock, timeout, [&] { return first_.contains(alert_id); })) return std::nullopt;
        return first_.at(alert_id);
    }
    std::map<std::string, int> counts() {
        std::lock_guard lock(mutex_);
        return counts_;
    }

  private:
    void read() {
        while (!stop_) {
            auto r = ws_->receive(50ms);
            if (!r) continue;
            const auto t = SteadyClock::now();
            yihu::v1::ServerMessage m;
            if (!m.ParseFromString(r->data)) continue;
            const std::optional<yihu::api::PushRef> push = yihu::api::push_ref(m);
            if (!push) continue;
            if (m.has_alert()) {
                std::lock_guard lock(mutex_);
                first_.emplace(push->alert_id, t);
                ++counts_[push->alert_id];
                arrived_.notify_all();
            }
            yihu::v1::ClientMessage ack;
            ack.mutable_ack()->set_seq(push->seq);
            ws_->send(ack.SerializeAsString(), true);
        }
    }

    std::unique_ptr<yihu::client::WsClient> ws_;
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::map<std::string, SteadyClock::time_point> first_;
    std::map<std::string, int> counts_;
    std::atomic<bool> stop_{false};
    std::thread reader_;
};

struct Stats {
    double p25_ms = 0, p50_ms = 0, p75_ms = 0, p99_ms = 0, max_ms = 0;
};
Stats stats(std::vector<double> ms) {
    if (ms.empty()) return {};
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
        const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(ms.size()))) - 1;
        return ms[std::min(rank, ms.size() - 1)];
    };
    return {at(0.25), at(0.50), at(0.75), at(0.99), ms.back()};
}
double ms_between(SteadyClock::time_point a, SteadyClock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}
void print_row(const char* measure, const std::vector<double>& ms, const char* target) {
    const Stats s = stats(ms);
    std::printf("  %-34s %5zu %7.2f %7.2f %7.2f %7.2f %7.2f%s%s\n", measure, ms.size(), s.p25_ms, s.p50_ms, s.p75_ms,
                s.p99_ms, s.max_ms, *target ? "   " : "", target);
}

yihu::v1::Alert parse_alert(const yihu::client::HttpClient::Reply& r, const char* what) {
    yihu::v1::Alert a;
    if ((r.status != 200 && r.status != 201) || !yihu::api::parse_json(r.body, a).ok()) {
        throw std::runtime_error(std::string(what) + ": " + std::to_string(r.status) + " " + r.body);
    }
    return a;
}

// Measure 1. Returns false if an alert missed a phone or reached one twice.
bool cross_city_push(City& a, City& b, int alerts) {
    Phone local(a, "laiwu-volunteer", kLaiwuVolunteer);
    Phone remote(b, "jinan-volunteer", kJinanVolunteer);
    yihu::client::HttpClient http("127.0.0.1", a.port);
    const std::string token = a.dispatcher();
    std::vector<double> reply_ms, local_ms, remote_ms, added_ms;
    std::vector<std::string> ids;
    int missed = 0;
    for (int k = 0; k < alerts; ++k) {
        const std::string body = circle_alert_json(k);
        const auto t0 = SteadyClock::now();
        auto reply = http.request("POST", "/v1/alerts", body, token, 10s);
        const auto t_reply = SteadyClock::now();
        const yihu::v1::Alert alert = parse_alert(reply, "POST /v1/alerts");
        ids.push_back(alert.id());
        const auto t_local = local.wait_for(alert.id(), 5s);
        const auto t_remote = remote.wait_for(alert.id(), 5s);
        if (!t_local || !t_remote) {
            ++missed;
        } else {
            reply_ms.push_back(ms_between(t0, t_reply));
            local_ms.push_back(ms_between(t0, *t_local));
            remote_ms.push_back(ms_between(t0, *t_remote));
            added_ms.push_back(ms_between(*t_local, *t_remote));
        }
        parse_alert(http.request("POST", "/v1/alerts/" + alert.id() + ":resolve", R"({"found":true})", token, 10s),
                    ":resolve");
        // The close is acknowledged by B before the next alert: each alert starts with an empty outbox.
        if (!wait_outbox(a.port, 0, 10s))
            throw std::runtime_error("A's outbox did not empty after alert " + alert.id());
    }
    std::printf(
        "\ncross_city_push: %d alerts, one at a time (each resolved and its close acknowledged before the next)\n",
        alerts);
    std::printf("  %-34s %5s %7s %7s %7s %7s %7s   %s\n", "measure (from before the POST), ms", "n", "p25", "p50",
                "p75", "p99", "max", "target");
    print_row("POST answered by A (A's commit)", reply_ms, "");
    print_row("push read by the phone on A", local_ms, "(baseline: local delivery)");
    print_row("push read by the phone on B", remote_ms, "p50 <= 5 ms, p99 <= 20 ms");
    print_row("B's push after A's (the link adds)", added_ms, "");
    const Stats l = stats(local_ms), r = stats(remote_ms);
    if (l.p50_ms > 0) std::printf("  B / A: p50 x%.2f, p99 x%.2f\n", r.p50_ms / l.p50_ms, r.p99_ms / l.p99_ms);

    int wrong = missed;
    for (Phone* p : {&local, &remote}) {
        const auto counts = p->counts();
        for (const std::string& id : ids) {
            auto it = counts.find(id);
            if (it == counts.end() || it->second != 1) {
                std::fprintf(stderr, "alert %s reached a phone %d times\n", id.c_str(),
                             it == counts.end() ? 0 : it->second);
                ++wrong;
            }
        }
    }
    std::printf("  every alert arrived exactly once on each phone: %s (%d missed)\n", wrong == 0 ? "yes" : "NO",
                missed);
    return wrong == 0;
}

// Measure 2. Returns false if the backlog did not drain or B does not hold the latest versions.
bool backlog_drain(City& a, City& b, const std::string& server, int messages, int alerts) {
    yihu::client::HttpClient http("127.0.0.1", a.port);
    const std::string token = a.dispatcher();
    std::vector<std::string> ids;
    for (int i = 0; i < alerts; ++i) {
        ids.push_back(parse_alert(http.request("POST", "/v1/alerts", circle_alert_json(i), token, 10s), "POST").id());
    }
    if (!wait_outbox(a.port, 0, 10s)) throw std::runtime_error("B did not acknowledge the backlog's alerts");
    b.process.stop();

    // Updates of those alerts, spread over a few connections so that A's hub commits them in groups.
    constexpr int kThreads = 4;
    std::atomic<int> next{0};
    std::atomic<int> failed{0};
    const auto fill_start = SteadyClock::now();
    std::vector<std::thread> fillers;
    for (int t = 0; t < kThreads; ++t) {
        fillers.emplace_back([&] {
            yihu::client::HttpClient h("127.0.0.1", a.port);
            for (int n = next++; n < messages; n = next++) {
                const std::string& id = ids[static_cast<std::size_t>(n % alerts)];
                auto r = h.request("PATCH", "/v1/alerts/" + id, R"({"title":"update )" + std::to_string(n) + "\"}",
                                   token, 10s);
                if (r.status != 200) ++failed;
            }
        });
    }
    for (auto& t : fillers) t.join();
    const double fill_s = ms_between(fill_start, SteadyClock::now()) / 1000;
    if (failed) throw std::runtime_error(std::to_string(failed.load()) + " updates refused while filling");
    const double held = scrape(a.port, "yihu_federation_outbox");
    std::map<std::string, std::uint64_t> latest;
    for (const std::string& id : ids) {
        yihu::v1::AlertDetail d;
        auto r = http.request("GET", "/v1/alerts/" + id, {}, token, 10s);
        if (r.status != 200 || !yihu::api::parse_json(r.body, d).ok()) throw std::runtime_error("GET " + id);
        latest[id] = d.alert().version();
    }
    const double sent_before = scrape(a.port, "yihu_federation_sent_total");

    const auto t_start = SteadyClock::now();
    b.start(server);
    const auto t_ready = SteadyClock::now();
    // The gauge's course while it drains: a stretch where it does not move is time the link spent down (or B busy).
    std::vector<std::pair<double, double>> course;  // seconds since B was started, messages waiting
    bool drained = false;
    while (!drained && SteadyClock::now() < t_ready + 120s) {
        const double waiting = scrape(a.port, "yihu_federation_outbox");
        course.emplace_back(ms_between(t_start, SteadyClock::now()) / 1000, waiting);
        drained = waiting == 0;
        if (!drained) std::this_thread::sleep_for(5ms);
    }
    const auto t_drained = SteadyClock::now();
    const double sent = scrape(a.port, "yihu_federation_sent_total") - sent_before;

    yihu::client::HttpClient at_b("127.0.0.1", b.port);
    const std::string b_token = b.dispatcher();
    int behind = 0;
    for (const std::string& id : ids) {
        yihu::v1::AlertDetail d;
        auto r = at_b.request("GET", "/v1/alerts/" + id, {}, b_token, 10s);
        if (r.status != 200 || !yihu::api::parse_json(r.body, d).ok() || d.alert().version() != latest[id]) ++behind;
    }

    const double drain_s = ms_between(t_ready, t_drained) / 1000;
    const double total_s = ms_between(t_start, t_drained) / 1000;
    std::printf(
        "\nbacklog_drain: %d updates of %d alerts B holds, queued at A while B was stopped (filled in %.1f s, "
        "%.0f updates/s)\n",
        messages, alerts, fill_s, messages / fill_s);
    std::printf("  A's outbox before B returns:            %.0f messages\n", held);
    std::printf("  B started until ready (/readyz 200):    %.3f s\n", ms_between(t_start, t_ready) / 1000);
    std::printf("  B ready until A's outbox reads 0:       %.3f s (%.0f messages/s)\n", drain_s, held / drain_s);
    std::printf("  B started until A's outbox reads 0:     %.3f s   target <= 5 s\n", total_s);
    std::printf("  messages A wrote to the link meanwhile: %.0f (retries included)\n", sent);
    double longest_stall = 0;
    for (std::size_t i = 0, j = 0; i < course.size(); i = j) {
        for (j = i + 1; j < course.size() && course[j].second == course[i].second;) ++j;
        if (j < course.size()) longest_stall = std::max(longest_stall, course[j].first - course[i].first);
    }
    std::printf("  longest time A's outbox did not move:   %.3f s\n", longest_stall);
    std::printf("  A's outbox, every 0.25 s after B started:");
    double next_mark = 0;
    for (std::size_t i = 0; i < course.size(); ++i) {
        const auto& [t, waiting] = course[i];
        if (t < next_mark && i + 1 < course.size()) continue;
        std::printf(" %.2fs:%.0f", t, waiting);
        next_mark = std::floor(t / 0.25) * 0.25 + 0.25;
    }
    std::printf("\n  B holds every alert's latest version:   %s\n", drained && behind == 0 ? "yes" : "NO");
    // The send window keeps a backlog larger than the link's send queue from overflowing it: each message is then
    // written about once. An overflow closes the link and the messages in its queue are written again (1.6x and more
    // before the window); a few retries of acks slower than retry_min are allowed.
    const bool written_once = sent <= 1.25 * held;
    std::printf("  each message written about once:        %s (%.2fx)\n", written_once ? "yes" : "NO", sent / held);
    return drained && behind == 0 && held >= messages && written_once;
}

}  // namespace

int main(int argc, char** argv) {
    int alerts = 200;
    int backlog = 10'000;
    int backlog_alerts = 10;
    std::string server;
    std::string log_level = "warn";
    std::vector<std::string> server_args;
    po::options_description options("federation_bench options");
    options.add_options()("help", "this text")(
        "server", po::value(&server), "yihu-server binary (default: ../server/yihu-server next to this binary)")(
        "alerts", po::value(&alerts), "alerts timed from A to the phones (default 200)")(
        "backlog", po::value(&backlog), "updates queued at A while B is stopped (default 10000)")(
        "backlog-alerts", po::value(&backlog_alerts), "alerts those updates are spread over (default 10)")(
        "log-level", po::value(&log_level), "the servers' log level (default warn)")(
        "server-arg", po::value(&server_args),
        "one more command-line word for both servers, repeatable (--server-arg=--limits.ws_send_queue_limit "
        "--server-arg=8388608)")("keep", "keep the temporary directory (configurations, stores, logs)")(
        "quick",
        "20 alerts, a backlog of 4000, more than the link's 1 MiB send queue (a smoke run; figures not meaningful)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, options), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << "federation_bench: " << e.what() << " (see --help)\n";
        return 2;
    }
    if (vm.count("help")) {
        std::cout << options;
        return 0;
    }
    if (vm.count("quick")) {
        alerts = 20;
        backlog = 4000;
    }
    if (alerts < 1 || backlog < 1 || backlog_alerts < 1) {
        std::cerr << "federation_bench: --alerts, --backlog and --backlog-alerts must be positive\n";
        return 2;
    }
    if (server.empty()) {
        server = (std::filesystem::canonical("/proc/self/exe").parent_path().parent_path() / "server" / "yihu-server")
                     .string();
    }
    const std::filesystem::path dir = "/tmp/yihu-federation-bench-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);

    std::cout << "federation_bench conditions:\n  command:";
    for (int i = 0; i < argc; ++i) std::cout << ' ' << argv[i];
    std::cout << "\n  cpu: " << cpu_model() << "\n  online_cpus: " << sysconf(_SC_NPROCESSORS_ONLN)
              << "\n  kernel: " << kernel() << "\n  build: " << build_type() << ", compiler " << compiler()
              << "\n  server: " << server
              << "\n  cities: laiwu (A) and jinan (B), single nodes, SQLite stores (synchronous FULL) under " << dir
              << ", linked over ws:// on 127.0.0.1"
              << "\n  extra server arguments:";
    for (const std::string& arg : server_args) std::cout << ' ' << arg;
    std::cout << (server_args.empty() ? " none" : "")
              << "\n  clients, both servers and other jobs share the machine's cores"
              << "\n  load average at start: " << load_average() << "\n";

    City a{.name = "laiwu",
           .peer = "jinan",
           .port = yihu::client::free_loopback_port(),
           .dir = dir,
           .log_level = log_level,
           .extra_args = server_args,
           .process = {}};
    City b{.name = "jinan",
           .peer = "laiwu",
           .port = yihu::client::free_loopback_port(),
           .dir = dir,
           .log_level = log_level,
           .extra_args = server_args,
           .process = {}};
    a.write_config(b.port, kJinan);
    b.write_config(a.port, kLaiwu);
    bool ok = false;
    try {
        a.start(server);
        b.start(server);
        // Warm-up, untimed: the link is up once B acknowledged an alert (else the first timed one would wait for it).
        {
            yihu::client::HttpClient http("127.0.0.1", a.port);
            const std::string id =
                parse_alert(http.request("POST", "/v1/alerts", circle_alert_json(-1), a.dispatcher(), 10s), "POST")
                    .id();
            if (!wait_outbox(a.port, 0, 30s)) throw std::runtime_error("the link did not come up in 30 s");
            parse_alert(http.request("POST", "/v1/alerts/" + id + ":resolve", R"({"found":true})", a.dispatcher(), 10s),
                        ":resolve");
            if (!wait_outbox(a.port, 0, 10s)) throw std::runtime_error("the warm-up's close was not acknowledged");
        }
        ok = cross_city_push(a, b, alerts);
        ok = backlog_drain(a, b, server, backlog, backlog_alerts) && ok;
    } catch (const std::exception& e) {
        std::cerr << "federation_bench: " << e.what() << " (logs in " << dir << ")\n";
        return 1;
    }
    std::cout << "\n  load average at end: " << load_average() << "\n";
    if (!ok) {
        std::cerr << "federation_bench: FAILED (logs in " << dir << ")\n";
        return 1;
    }
    a.process.stop();
    b.process.stop();
    if (vm.count("keep")) {
        std::cout << "  kept: " << dir << "\n";
    } else {
        std::filesystem::remove_all(dir);
    }
    return 0;
}
