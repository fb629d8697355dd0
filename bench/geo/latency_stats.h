#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace yihu::bench {

// What one contender achieved on one measure. A figure that does not exist (Redis has no per-call server time below
// 1 us, a contender skipped a measure) is empty, and "null" in the JSON.
struct LatencyStats {
    std::optional<double> p50_ns;
    std::optional<double> p99_ns;
    std::optional<double> ns_per_op;  // from tight loops, no clock per op (or a server's total / calls)
    std::size_t ops = 0;              // per-op samples behind p50 / p99
};

// Fills p50 and p99 (nearest rank) from per-op samples, after taking `overhead_ns` (the clock's own cost) off each
// sample (not below zero). Reorders `samples`.
void set_percentiles(LatencyStats& stats, std::vector<std::int64_t>& samples, std::int64_t overhead_ns);

}  // namespace yihu::bench
