#include "memory_probe.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "op_timer.h"

namespace yihu::bench {

double dependent_load_ns(std::size_t bytes) {
    struct alignas(64) Node {
        std::size_t next;
    };
    const std::size_t n = std::max<std::size_t>(bytes / sizeof(Node), 2);
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937_64(7));
    std::vector<Node> nodes(n);
    for (std::size_t i = 0; i < n; ++i) nodes[order[i]].next = order[(i + 1) % n];

    constexpr std::size_t kSteps = 1'000'000;
    std::size_t at = order[0];
    for (std::size_t i = 0; i < std::min(n, kSteps); ++i) at = nodes[at].next;  // warm the caches and TLB
    const auto t0 = BenchClock::now();
    for (std::size_t i = 0; i < kSteps; ++i) at = nodes[at].next;
    const auto t1 = BenchClock::now();
    do_not_optimize(at);
    return static_cast<double>(elapsed_ns(t0, t1)) / kSteps;
}

}  // namespace yihu::bench
