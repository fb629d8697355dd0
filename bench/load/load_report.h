#pragma once

#include <optional>
#include <string>
#include <vector>

#include "load_options.h"
#include "phone_fleet.h"
#include "probe_figures.h"

namespace yihu::bench::load {

// Everything one run measured, and the conditions it ran under.
struct LoadResults {
    // Conditions.
    std::string command, server_command, node_version, kernel, cpu_model;
    std::string loadavg_start, loadavg_end;
    int online_cpus = 0;
    std::int64_t open_files_limit = 0;
    std::string node_skipped;  // why the Node.js contender did not run; empty when it did

    std::optional<ConnectFigures> yihu_connect, node_connect, raw_connect;
    std::optional<FanoutFigures> yihu_fanout, node_fanout, raw_fanout;
    std::optional<LatencyFigures> drowning, mixed;
    std::vector<PositionStep> positions;
    FleetCounts yihu_fleet;           // after the yihu modes, before the phones are closed
    double server_idle_cores = 0;     // yihu-server's CPU use with the phones connected and silent
    double fanout_payload_bytes = 0;  // what node and raw sent per phone: the size of yihu's alert push
};

// Nearest-rank percentile of `samples` (q in 0..1); 0 for none.
double percentile(std::vector<double> samples, double q);

// Prints the tables, the same-run ratios and the targets of issue 11 to stdout.
void print_report(const LoadOptions& options, const LoadResults& results);

// Writes the report as JSON. Returns false when the file cannot be written.
bool write_json_report(const std::string& path, const LoadOptions& options, const LoadResults& results);

// What --check asserts: every phone connected and got every message exactly once, ratios were computed, the JSON
// report parses and has its fields. Returns the failures, one line each (empty: all held).
std::vector<std::string> check_results(const LoadOptions& options, const LoadResults& results,
                                       const std::string& json_path);

}  // namespace yihu::bench::load
