// The fuzz smoke for ordinary builds (release, asan): runs one fuzz target's entry over every file of its seed
// corpus, then over `--mutations` deterministic mutations of each seed (replay_mutator.h). A crash, an abort from a
// target's property check or a sanitizer report fails the run; so does a run that executed nothing.
//   yihu_fuzz_replay <target> <corpus dir or file> [--mutations N] [--seed S]
// A file instead of a directory replays that one input (a finding from scripts/fuzz.sh, say).

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "replay_mutator.h"
#include "replay_targets.h"

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// Sorted by name so that the mutations, which depend on the order, repeat across machines.
std::vector<std::string> read_inputs(const fs::path& where) {
    std::vector<fs::path> paths;
    if (fs::is_directory(where)) {
        for (const auto& entry : fs::directory_iterator(where)) {
            if (entry.is_regular_file()) paths.push_back(entry.path());
        }
    } else if (fs::is_regular_file(where)) {
        paths.push_back(where);
    }
    std::sort(paths.begin(), paths.end());
    std::vector<std::string> inputs;
    for (const auto& p : paths) inputs.push_back(read_file(p));
    return inputs;
}

int usage() {
    std::cerr << "usage: yihu_fuzz_replay <target> <corpus dir or file> [--mutations N] [--seed S]\ntargets:";
    for (const auto& t : yihu::fuzz::kReplayTargets) std::cerr << ' ' << t.name;
    std::cerr << '\n';
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return usage();
    const std::string_view name = argv[1];
    const fs::path corpus = argv[2];
    std::uint64_t mutations = 0;
    std::uint64_t seed = 1;
    for (int i = 3; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "--mutations") {
            mutations = std::strtoull(argv[i + 1], nullptr, 10);
        } else if (flag == "--seed") {
            seed = std::strtoull(argv[i + 1], nullptr, 10);
        } else {
            return usage();
        }
    }
    if (argc % 2 == 0) return usage();  // a flag without its value

    const auto* target = std::find_if(std::begin(yihu::fuzz::kReplayTargets), std::end(yihu::fuzz::kReplayTargets),
                                      [&](const auto& t) { return t.name == name; });
    if (target == std::end(yihu::fuzz::kReplayTargets)) return usage();

    const std::vector<std::string> seeds = read_inputs(corpus);
    if (seeds.empty()) {
        std::cerr << "yihu_fuzz_replay: no input files in " << corpus << '\n';
        return 1;
    }
    yihu::fuzz::ReplayMutator mutator(seed, seeds);
    std::uint64_t ran = 0;
    auto run = [&](const std::string& input) {
        // Its own copy, so that a read past the end is a sanitizer report, as under libFuzzer.
        const std::vector<std::uint8_t> bytes(input.begin(), input.end());
        target->entry(bytes.data(), bytes.size());
        ++ran;
    };
    for (const std::string& input : seeds) {
        run(input);
        for (std::uint64_t m = 0; m < mutations; ++m) run(mutator.mutate(input));
    }
    std::cout << "yihu_fuzz_replay " << name << ": " << seeds.size() << " seed files, " << mutations
              << " mutations each (seed " << seed << "), " << ran << " inputs ran\n";
    return ran > 0 ? 0 : 1;
}
