#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace yihu::bench::load {

struct LoadOptions {
    std::size_t phones = 1000;
    int workers = 2;
    std::vector<int> client_cpus;  // empty: not pinned
    int server_cpu = -1;           // -1: not pinned
    int cluster_nodes = 1;         // > 1: yihu is a cluster of that many nodes through Redis
    std::vector<std::string> modes = {"fanout", "drowning", "mixed", "positions"};  // connect always runs
    int fanout_alerts = 10;
    int drowning_alerts = 200;
    int mixed_alerts = 100;
    double mixed_positions_per_s = 1500;
    std::vector<double> position_rates = {10'000, 25'000, 50'000, 100'000, 150'000};
    double position_seconds = 3;
    bool node = true;         // --no-node: skip the Node.js contender (only for machines without node)
    std::string server;       // yihu-server binary
    std::string node_script;  // ws_broadcast_server.js
    std::string json;         // report file
    bool quick = false;
    bool check = false;      // assert what was measured (exit 1 on any failure)
    int max_seconds = 1800;  // the whole run, after which the process is killed (SIGALRM)
    std::string command;     // as typed, for the report

    bool has_mode(const std::string& m) const;
};

// Parses the command line. Returns false with `exit_code` set when the run must stop (--help, a bad flag).
bool parse_load_options(int argc, char** argv, LoadOptions& out, int& exit_code);

}  // namespace yihu::bench::load
