#pragma once

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

namespace yihu::testing {

// The seed for a randomized test: YIHU_TEST_SEED if set (to replay a failure), else a fresh one. Always printed,
// so a failing run in CI can be replayed exactly.
inline std::uint64_t test_seed(const std::string& test_name) {
    std::uint64_t seed;
    if (const char* env = std::getenv("YIHU_TEST_SEED"); env && *env) {
        seed = std::strtoull(env, nullptr, 10);
    } else {
        seed = (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
    }
    std::cout << "[ seed     ] " << test_name << ": " << seed << " (replay with YIHU_TEST_SEED=" << seed << ")\n";
    return seed;
}

}  // namespace yihu::testing
