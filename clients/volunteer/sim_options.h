#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/index/volunteer.h"
#include "core/result.h"
#include "tools/token_source.h"
#include "volunteer/placement.h"

namespace yihu::sim {

// yihu-volunteer's command line, checked.
struct SimOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    int count = 1;
    int first = 1;  // ids are <prefix>-<first> .. <prefix>-<first+count-1>
    std::string id_prefix = "v";
    tools::SecretFlags secret;
    std::vector<std::string> skills;                        // everyone has these
    std::vector<std::pair<std::string, double>> skill_mix;  // each volunteer gets each with its probability
    core::Tier tier = core::Tier::kPublic;
    std::vector<std::string> teams;
    Placement placement;
    std::string placement_text;  // for the start-up line
    double walk_m_per_s = 0;
    std::chrono::milliseconds position_interval{5000};
    double accept_probability = 0.3;
    std::chrono::milliseconds reaction{3000};
    std::uint64_t seed = 1;
    bool json = false;
    std::chrono::milliseconds duration{0};  // 0: until Ctrl-C
    bool quiet = false;
    int threads = 0;  // 0: one per 50 volunteers, at most 4
};

// The options the command line asks for, or nothing when --help was printed. Errors name the flag.
core::Result<std::optional<SimOptions>> parse_sim_options(int argc, char** argv);

}  // namespace yihu::sim
