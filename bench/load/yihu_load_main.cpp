// yihu_load: one yihu node under thousands of simulated phones over real WebSockets, side by side in the same run
// with the floor (a raw loopback server writing to the same number of sockets) and a Node.js `ws` broadcast server.
// Modes: connect (always), fanout (city-wide alerts; node and raw run with it), drowning (POST -> first push on an
// idle node), mixed (the same under position load), positions (a rate ramp). Figures and commands: bench/RESULTS.md.

#include <sys/utsname.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "broadcast_probes.h"
#include "contender_servers.h"
#include "load_options.h"
#include "load_report.h"
#include "phone_fleet.h"
#include "proc_stats.h"
#include "progress_line.h"
#include "raw_floor_server.h"
#include "worker_pool.h"
#include "yihu_probes.h"

using namespace yihu::bench::load;

namespace {

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    }
    return "unknown";
}

std::string cpus_text(const std::vector<int>& cpus) {
    if (cpus.empty()) return "not pinned";
    std::string s = "CPU";
    for (std::size_t i = 0; i < cpus.size(); ++i) {
        s += i ? ',' : ' ';
        s += std::to_string(cpus[i]);
    }
    return s;
}

void print_conditions(const LoadOptions& o, const LoadResults& r, std::size_t workers) {
    std::cout << "yihu_load conditions:\n  command: " << o.command << "\n  phones: " << o.phones
              << "\n  phone worker processes: " << workers << " (" << cpus_text(o.client_cpus) << ")"
              << "\n  servers: " << cpus_text(o.server_cpu >= 0 ? std::vector<int>{o.server_cpu} : std::vector<int>{})
              << "\n  online_cpus: " << r.online_cpus << " (" << r.cpu_model << ")\n  kernel: " << r.kernel
              << "\n  open files limit: " << r.open_files_limit
              << "\n  node: " << (r.node_skipped.empty() ? "" : "SKIPPED: ")
              << (r.node_skipped.empty() ? r.node_version : r.node_skipped)
              << "\n  load average at start: " << r.loadavg_start
              << "\n  everything on 127.0.0.1; the phones, the servers and the coordinator share the machine's cores\n"
              << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
    LoadOptions o;
    int exit_code = 0;
    if (!parse_load_options(argc, argv, o, exit_code)) return exit_code;
    // Bounded whatever happens: the default SIGALRM action ends the process, and every child dies with it.
    alarm(static_cast<unsigned>(o.max_seconds));

    LoadResults r;
    r.command = o.command;
    r.open_files_limit = raise_open_files_limit();
    const auto needed = static_cast<std::int64_t>(o.phones) + 200;
    if (r.open_files_limit < needed) {
        std::cerr << "yihu_load: " << o.phones << " phones need " << needed << " open files, the limit is "
                  << r.open_files_limit << " (raise the hard limit: ulimit -Hn)\n";
        return 2;
    }
    utsname host{};
    uname(&host);
    r.kernel = std::string(host.sysname) + " " + host.release;
    r.cpu_model = cpu_model();
    r.online_cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
    r.loadavg_start = loadavg();
    if (o.node && o.has_mode("fanout")) {
        if (find_node(r.node_version).empty()) {
            if (!o.quick) {
                std::cerr << "yihu_load: node is not on PATH (scripts/install-deps.sh installs it; --no-node skips "
                             "the Node.js comparison)\n";
                return 2;
            }
            r.node_skipped = "node is not installed";
        } else if (!std::filesystem::exists(std::filesystem::path(o.node_script).parent_path() / "node_modules" /
                                            "ws")) {
            std::cerr << "yihu_load: the npm package ws is not installed next to " << o.node_script
                      << " (scripts/install-deps.sh runs npm ci there)\n";
            return 2;
        }
    } else {
        r.node_skipped = o.node ? "fan-out not selected" : "--no-node";
    }
    if (!r.node_skipped.empty() && o.has_mode("fanout")) {
        std::cerr << "\n*** yihu_load: THE NODE.JS COMPARISON IS SKIPPED: " << r.node_skipped << " ***\n\n";
    }

    const std::filesystem::path dir = "/tmp/yihu-load-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    const std::string secret =
        "yihu-load-" + std::to_string(std::random_device{}()) + std::to_string(std::random_device{}());
    const std::string secret_file = (dir / "token-secret").string();
    std::ofstream(secret_file) << secret;
    if (o.json.empty()) o.json = "yihu_load_report.json";

    ProgressLine progress;
    int status = 0;
    try {
        // Forked before any thread exists in this process.
        WorkerPool pool(o.workers, secret, o.client_cpus);
        print_conditions(o, r, pool.size());
        {
            YihuServer server(o.server, dir / "yihu", secret_file, std::max<std::size_t>(18'000, o.phones + 1000),
                              o.server_cpu, o.cluster_nodes);
            r.server_command = server.command();
            std::cout << "yihu: " << server.describe() << std::endl;
            r.yihu_connect = connect_phones(pool, "yihu", server.ports(), o.phones, 0, server.pids(), progress);
            YihuProbes probes(pool, server, secret, o.phones, progress);
            if (o.has_mode("fanout")) r.yihu_fanout = probes.fanout(o.fanout_alerts);
            if (o.has_mode("drowning")) r.drowning = probes.drowning(o.drowning_alerts, 0, 11);
            if (o.has_mode("mixed")) r.mixed = probes.drowning(o.mixed_alerts, o.mixed_positions_per_s, 12);
            if (o.has_mode("positions")) r.server_idle_cores = probes.idle_cores(2);
            if (o.has_mode("positions")) r.positions = probes.positions(o.position_rates, o.position_seconds);
            r.yihu_fleet = fleet_counts(pool);
            close_phones(pool);
        }
        if (o.has_mode("fanout")) {
            r.fanout_payload_bytes = 200;
            if (r.yihu_fanout && !r.yihu_fanout->rounds.empty() && r.yihu_fanout->rounds[0].payload_bytes > 0) {
                r.fanout_payload_bytes = static_cast<double>(r.yihu_fanout->rounds[0].payload_bytes);
            }
            const auto size = static_cast<std::size_t>(r.fanout_payload_bytes);
            if (r.node_skipped.empty()) {
                NodeServer node("node", o.node_script, dir / "node.log", o.server_cpu);
                r.node_connect = connect_phones(pool, "node", {node.port()}, o.phones, 0, {node.pid()}, progress);
                r.node_fanout = node_fanout(pool, node, o.phones, o.fanout_alerts, size, progress);
                close_phones(pool);
            }
            RawFloorServer raw;
            r.raw_connect = connect_phones(pool, "raw", {raw.port()}, o.phones, size, {getpid()}, progress);
            r.raw_fanout = raw_fanout(pool, raw, o.phones, o.fanout_alerts, size, progress);
            close_phones(pool);
        }
    } catch (const std::exception& e) {
        std::cerr << "\nyihu_load: " << e.what() << " (logs in " << dir << ")\n";
        return 1;
    }
    r.loadavg_end = loadavg();
    print_report(o, r);
    if (!write_json_report(o.json, o, r)) {
        std::cerr << "yihu_load: cannot write " << o.json << "\n";
        status = 1;
    } else {
        std::cout << "report: " << o.json << "\n";
    }
    if (o.check) {
        const auto failures = check_results(o, r, o.json);
        for (const auto& f : failures) std::cout << "CHECK FAILED: " << f << "\n";
        if (!failures.empty()) status = 1;
        std::cout << (failures.empty() ? "checks: all held\n" : "checks: FAILED\n");
    }
    if (!r.node_skipped.empty() && o.has_mode("fanout")) {
        std::cout << "\n*** THE NODE.JS COMPARISON WAS SKIPPED: " << r.node_skipped << " ***\n";
    }
    if (status == 0) std::filesystem::remove_all(dir);
    return status;
}
