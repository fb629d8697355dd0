#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "distribution.h"

namespace yihu::bench {

// The command line of geo_bench.
struct BenchOptions {
    bool quick = false;  // 20,000 volunteers, ~20x fewer ops: a smoke run
    std::vector<std::size_t> sizes;
    std::vector<Distribution> distributions;
    bool redis = true;
    double cell_deg = 0;  // yihu's grid cell; default: IndexOptions{}.cell_deg
    std::optional<std::string> json_path;
    std::uint64_t seed = 20'240'611;
    int bench_cpu = 1;  // the benchmark thread's core; -1: no pinning
    int redis_cpu = 0;  // redis-server's core; -1: no pinning
    std::string command_line;
};

// Parses argv. Returns nullopt after printing --help; throws std::invalid_argument on a bad option.
std::optional<BenchOptions> parse_options(int argc, char** argv);

}  // namespace yihu::bench
