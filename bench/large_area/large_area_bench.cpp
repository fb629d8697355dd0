// large_area_bench: what a disaster alert with a huge drawn area costs everybody else (issue 15). One yihu-server
// (single node, SQLite with fsync, in a temporary directory); a probe client asks the hub a small question
// (GET /v1/alerts/{an id that does not exist}: a hub query answered 404, a few hundred bytes) about every millisecond
// on its own connection, first while nothing else happens (the baseline), then while a dispatcher creates alerts
// whose area is a polygon of V vertices one after another. Printed: each create's POST -> 201, and the probe's
// latency in both phases side by side (p50, p99, max) with their ratios: how long one dispatcher's huge request holds
// another's small one. Exits non-zero if a create was not 201 or a probe was not answered 404.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <numbers>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "api/auth/token.h"
#include "common/child_process.h"
#include "common/http_client.h"
#include "machine_info.h"

namespace po = boost::program_options;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr double kLat = 22.93;  // Songshan Lake, Dongguan
constexpr double kLon = 113.89;

std::string mint(const std::string& secret) {
    yihu::api::Claims c;
    c.subject = "d-bench";
    c.role = yihu::api::Role::kDispatcher;
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    c.issued_at = now;
    c.expires_at = now + 3600;
    return yihu::api::sign_token(c, secret);
}

// A jagged ring of `n` vertices about 3 km around the lake (radius drawn from 50-100% of it at each vertex, as a
// traced shoreline would be), 7 decimals, closed.
std::string polygon_alert_json(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    std::string ring;
    ring.reserve(n * 50);
    char buffer[96];
    double first_lat = 0, first_lon = 0;
    for (std::size_t i = 0; i <= n; ++i) {
        double lat = first_lat, lon = first_lon;
        if (i < n) {
            const double t = 2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n);
            const double r = 0.03 * jitter(rng);
            lat = kLat + r * std::sin(t);
            lon = kLon + r * std::cos(t);
            if (i == 0) first_lat = lat, first_lon = lon;
        }
        std::snprintf(buffer, sizeof buffer, R"(%s{"latitude":%.7f,"longitude":%.7f})", i ? "," : "", lat, lon);
        ring += buffer;
    }
    return R"({"kind":"ALERT_KIND_DISASTER","center":{"latitude":22.93,"longitude":113.89},)"
           R"("title":"Flood: evacuate the lake shore","area":{"polygon":{"ring":[)" +
           ring + "]}}}";
}

struct Stats {
    double p50 = 0, p99 = 0, max = 0;
    std::size_t n = 0;
};

Stats stats(std::vector<double> us) {
    Stats s;
    s.n = us.size();
    if (us.empty()) return s;
    std::sort(us.begin(), us.end());
    auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<std::size_t>(q * (us.size() - 1)))]; };
    s.p50 = at(0.5);
    s.p99 = at(0.99);
    s.max = us.back();
    return s;
}

// Asks the hub its small question about every millisecond until `stop`; latencies in microseconds.
struct Probe {
    std::uint16_t port;
    std::string token;
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> wrong{0};
    std::vector<double> us;

    void run() {
        yihu::client::HttpClient http("127.0.0.1", port);
        while (!stop.load()) {
            const auto t0 = SteadyClock::now();
            const auto r = http.request("GET", "/v1/alerts/dongguan-999999", {}, token, 30s);
            us.push_back(std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count());
            if (r.status != 404) ++wrong;
            std::this_thread::sleep_for(1ms);
        }
    }
};

void print_row(const char* phase, const Stats& s) {
    std::printf("  %-34s %6zu requests  p50 %9.0f us  p99 %9.0f us  max %9.0f us\n", phase, s.n, s.p50, s.p99, s.max);
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t vertices = 60'000;
    int alerts = 5;
    double baseline_s = 3;
    std::string server;
    po::options_description options("large_area_bench options");
    options.add_options()("help", "this text")(
        "server", po::value(&server), "yihu-server binary (default: ../server/yihu-server next to this binary)")(
        "vertices", po::value(&vertices), "vertices of each alert's polygon (default 60000)")(
        "alerts", po::value(&alerts), "alerts created one after another (default 5)")(
        "baseline-seconds", po::value(&baseline_s), "how long the probe runs alone first (default 3)")(
        "keep", "keep the temporary directory (configuration, store, log)")(
        "quick", "2 alerts of 5,000 vertices, 1 s of baseline (a smoke run; figures not meaningful)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, options), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << "large_area_bench: " << e.what() << " (see --help)\n";
        return 2;
    }
    if (vm.count("help")) {
        std::cout << options;
        return 0;
    }
    if (vm.count("quick")) {
        vertices = 5'000;
        alerts = 2;
        baseline_s = 1;
    }
    if (vertices < 3 || alerts < 1 || baseline_s <= 0) {
        std::cerr << "large_area_bench: --vertices >= 3, --alerts >= 1, --baseline-seconds > 0\n";
        return 2;
    }
    if (server.empty()) {
        server = (std::filesystem::canonical("/proc/self/exe").parent_path().parent_path() / "server" / "yihu-server")
                     .string();
    }
    const std::filesystem::path dir = "/tmp/yihu-large-area-bench-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    const std::uint16_t port = yihu::client::free_loopback_port();
    const std::string secret = "large-area-bench-secret";
    {
        std::ofstream out(dir / "node.toml");
        // Rate limits off: the probe asks a thousand times a second on purpose. Other limits are the defaults: more
        // vertices than [limits] max_area_vertices (100,000) are refused with 400.
        out << "[server]\nport = " << port << "\n[store]\ndata_dir = \"" << (dir / "data").string()
            << "\"\n[auth]\ntoken_secret = \"" << secret << "\"\n[log]\nlevel = \"warn\"\n"
            << "[limits]\nrequest_rate = 0\nposition_rate = 0\n";
    }
    const std::string body = polygon_alert_json(vertices, 20261202);

    std::cout << "large_area_bench conditions:\n  command:";
    for (int i = 0; i < argc; ++i) std::cout << ' ' << argv[i];
    std::cout << "\n  cpu: " << yihu::bench::cpu_model() << "\n  online_cpus: " << sysconf(_SC_NPROCESSORS_ONLN)
              << "\n  kernel: " << yihu::bench::kernel() << "\n  build: " << yihu::bench::build_type() << ", compiler "
              << yihu::bench::compiler() << "\n  server: " << server
              << "\n  one node, SQLite store (synchronous FULL) under " << dir << "; everything on 127.0.0.1"
              << "\n  each alert: a polygon of " << vertices << " vertices, " << body.size() << " bytes of JSON"
              << "\n  load average at start: " << yihu::bench::load_average() << "\n";

    yihu::client::ChildProcess node({server, "--config", (dir / "node.toml").string()}, dir / "node.log");
    bool ok = true;
    try {
        const auto deadline = SteadyClock::now() + 30s;
        for (;;) {
            try {
                yihu::client::HttpClient probe("127.0.0.1", port);
                if (probe.request("GET", "/readyz", {}, {}, 1s).status == 200) break;
            } catch (const std::exception&) {
            }
            if (SteadyClock::now() > deadline) throw std::runtime_error("the node was not ready in 30 s");
            std::this_thread::sleep_for(10ms);
        }
        const std::string token = mint(secret);

        Probe alone{.port = port, .token = token};
        std::thread t([&] { alone.run(); });
        std::this_thread::sleep_for(std::chrono::duration<double>(baseline_s));
        alone.stop = true;
        t.join();

        Probe during{.port = port, .token = token};
        std::thread u([&] { during.run(); });
        std::this_thread::sleep_for(100ms);
        std::vector<double> create_ms;
        yihu::client::HttpClient dispatcher("127.0.0.1", port);
        for (int i = 0; i < alerts; ++i) {
            const auto t0 = SteadyClock::now();
            const auto r = dispatcher.request("POST", "/v1/alerts", body, token, 120s);
            create_ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
            if (r.status != 201) {
                std::cerr << "large_area_bench: create " << i + 1 << ": HTTP " << r.status << " "
                          << r.body.substr(0, 300) << "\n";
                ok = false;
            }
        }
        std::this_thread::sleep_for(100ms);
        during.stop = true;
        u.join();

        const Stats base = stats(alone.us);
        const Stats load = stats(during.us);
        const Stats create = stats(create_ms);
        std::printf("\n== %d alerts of %zu vertices created one after another ==\n", alerts, vertices);
        std::printf("  POST /v1/alerts -> 201            p50 %9.1f ms  max %9.1f ms\n", create.p50, create.max);
        std::printf("\n== another dispatcher's small hub query (GET /v1/alerts/{absent id} -> 404) ==\n");
        print_row("alone (baseline)", base);
        print_row("while the large alerts are created", load);
        std::printf("  ratios, during / alone: p50 %.2f  p99 %.2f  max %.2f\n", load.p50 / base.p50,
                    load.p99 / base.p99, load.max / base.max);
        const std::size_t wrong = alone.wrong + during.wrong;
        if (wrong > 0 || base.n == 0 || load.n == 0) {
            std::cerr << "large_area_bench: " << wrong << " probe answers were not 404 (or a phase ran no probe)\n";
            ok = false;
        }
    } catch (const std::exception& e) {
        std::cerr << "large_area_bench: " << e.what() << " (log in " << dir << ")\n";
        ok = false;
    }
    const int code = node.stop();
    std::cout << "\n  load average at end: " << yihu::bench::load_average() << "\n  the node exited with " << code
              << "\n";
    if (code != 0) ok = false;
    if (!ok) {
        std::cerr << "large_area_bench: FAILED (log in " << dir << ")\n";
        return 1;
    }
    if (vm.count("keep")) {
        std::cout << "  kept: " << dir << "\n";
    } else {
        std::filesystem::remove_all(dir);
    }
    return 0;
}
