// cluster_bench: what running several nodes through Redis costs and sustains, against one node alone, in one run.
//   - alert_to_first_push: a drowning alert's POST until the first of the three nearest phones reads the push
//     (p50, p99), one node vs 3 nodes (phones and the dispatcher on nodes that do not lead: the longest path);
//   - position updates a topology applies per second with phones spread over its nodes.
// Everything on loopback; the benchmark starts (and stops) its own redis-server and yihu-server processes.
// Figures and the command that produced them: bench/RESULTS.md.

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "probes.h"
#include "topology.h"

namespace po = boost::program_options;
using namespace yihu::bench;

namespace {

struct Percentiles {
    double p50_us = 0, p99_us = 0;
};
Percentiles percentiles(std::vector<std::int64_t> samples) {
    if (samples.empty()) return {};
    std::sort(samples.begin(), samples.end());
    auto at = [&](double q) {
        const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size()))) - 1;
        return static_cast<double>(samples[std::min(rank, samples.size() - 1)]) / 1000.0;
    };
    return {at(0.50), at(0.99)};
}

std::filesystem::path make_work_dir() {
    std::string name = "/tmp/yihu-cluster-bench-" + std::to_string(getpid());
    std::filesystem::create_directories(name);
    return name;
}

}  // namespace

int main(int argc, char** argv) {
    int alerts = 200;
    int phones = 300;
    double seconds = 5;
    std::string server;
    std::string json;
    po::options_description options("cluster_bench options");
    options.add_options()("help", "this text")(
        "server", po::value(&server), "yihu-server binary (default: ../server/yihu-server next to this binary)")(
        "alerts", po::value(&alerts), "alerts timed per topology (default 200)")(
        "phones", po::value(&phones), "phones sending positions (default 300)")(
        "seconds", po::value(&seconds), "seconds of position load per topology (default 5)")(
        "quick", "30 alerts, 50 phones, 1 s (a smoke run; figures not meaningful)")(
        "json", po::value(&json), "also write the figures as JSON to this file");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, options), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << "cluster_bench: " << e.what() << " (see --help)\n";
        return 2;
    }
    if (vm.count("help")) {
        std::cout << options;
        return 0;
    }
    if (vm.count("quick")) {
        alerts = 30;
        phones = 50;
        seconds = 1;
    }
    if (server.empty()) {
        server = (std::filesystem::canonical("/proc/self/exe").parent_path().parent_path() / "server" / "yihu-server")
                     .string();
    }
    const std::filesystem::path dir = make_work_dir();
    const std::string secret = "cluster-bench-secret-" + std::to_string(std::random_device{}());
    const std::string secret_file = (dir / "token-secret").string();
    std::ofstream(secret_file) << secret;

    utsname host{};
    uname(&host);
    std::cout << "cluster_bench conditions:\n"
              << "  command:";
    for (int i = 0; i < argc; ++i) std::cout << ' ' << argv[i];
    std::cout << "\n  online_cpus: " << sysconf(_SC_NPROCESSORS_ONLN) << "\n  kernel: " << host.sysname << ' '
              << host.release << "\n  server: " << server << "\n  alerts per topology: " << alerts
              << "\n  position load: " << phones << " phones, 4 sender threads, " << seconds << " s per topology"
              << "\n  everything on 127.0.0.1; clients, nodes and redis-server share the machine's cores\n\n";

    struct Row {
        std::string topology;
        AlertLatency latency;
        PositionRate rate;
    };
    std::vector<Row> rows;
    try {
        {
            auto t = Topology::single(server, dir / "single", secret_file);
            std::cout << "measuring: " << t->describe() << "\n";
            Row r{"1 node", measure_alert_latency(secret, t->ports(), t->ports()[0], alerts), {}};
            r.rate = measure_position_rate(secret, t->ports(), t->ports()[0], phones, seconds);
            rows.push_back(std::move(r));
        }
        {
            auto t = Topology::cluster(server, dir / "cluster", secret_file, 3);
            const int leader = t->leader();
            if (leader < 0) throw std::runtime_error("no leader in the cluster");
            std::vector<std::uint16_t> followers;
            for (std::size_t i = 0; i < t->ports().size(); ++i) {
                if (static_cast<int>(i) != leader) followers.push_back(t->ports()[i]);
            }
            std::cout << "measuring: " << t->describe() << "; leader node-" << leader + 1 << "\n";
            Row r{"3 nodes", measure_alert_latency(secret, followers, followers.back(), alerts), {}};
            r.rate = measure_position_rate(secret, t->ports(), t->ports()[static_cast<std::size_t>(leader)], phones,
                                           seconds);
            rows.push_back(std::move(r));
        }
    } catch (const std::exception& e) {
        std::cerr << "cluster_bench: " << e.what() << " (logs in " << dir << ")\n";
        return 1;
    }

    std::printf("\n%-8s  %-28s  %10s  %10s  %7s  %16s  %16s\n", "topology", "measure", "p50_us", "p99_us", "missed",
                "positions_sent/s", "positions_applied/s");
    for (const Row& r : rows) {
        const Percentiles p = percentiles(r.latency.samples_ns);
        std::printf("%-8s  %-28s  %10.1f  %10.1f  %7d  %16.0f  %16.0f\n", r.topology.c_str(), "alert_to_first_push",
                    p.p50_us, p.p99_us, r.latency.missed, r.rate.sent_per_s, r.rate.applied_per_s);
    }
    const Percentiles one = percentiles(rows[0].latency.samples_ns);
    const Percentiles three = percentiles(rows[1].latency.samples_ns);
    std::printf("\n3 nodes / 1 node: alert_to_first_push p50 x%.2f, p99 x%.2f; positions applied x%.2f\n",
                three.p50_us / one.p50_us, three.p99_us / one.p99_us,
                rows[1].rate.applied_per_s / std::max(1.0, rows[0].rate.applied_per_s));
    // The smoke run (CTest) judges by the exit code: each topology must have timed its alerts, lost none (the phone
    // in reach got every push) and applied positions.
    for (const Row& r : rows) {
        if (r.latency.samples_ns.empty() || r.latency.missed > 0 || !(r.rate.applied_per_s > 0)) {
            std::cerr << "cluster_bench: " << r.topology << ": " << r.latency.samples_ns.size() << " alerts timed, "
                      << r.latency.missed << " missed, " << r.rate.applied_per_s << " positions applied/s (logs in "
                      << dir << ")\n";
            return 1;
        }
    }
    if (!json.empty()) {
        std::ofstream out(json);
        out << "{\"results\": [";
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const Percentiles p = percentiles(rows[i].latency.samples_ns);
            out << (i ? ", " : "") << "{\"topology\": \"" << rows[i].topology
                << "\", \"alert_to_first_push_p50_us\": " << p.p50_us
                << ", \"alert_to_first_push_p99_us\": " << p.p99_us << ", \"missed\": " << rows[i].latency.missed
                << ", \"positions_sent_per_s\": " << rows[i].rate.sent_per_s
                << ", \"positions_applied_per_s\": " << rows[i].rate.applied_per_s << "}";
        }
        out << "]}\n";
    }
    std::filesystem::remove_all(dir);
    return 0;
}
