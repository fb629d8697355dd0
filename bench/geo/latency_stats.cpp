#include "latency_stats.h"

#include <algorithm>

namespace yihu::bench {

namespace {
double rank(std::vector<std::int64_t>& sorted_in_place, double q) {
    const auto at = static_cast<std::size_t>(q * static_cast<double>(sorted_in_place.size() - 1) + 0.5);
    std::nth_element(sorted_in_place.begin(), sorted_in_place.begin() + static_cast<std::ptrdiff_t>(at),
                     sorted_in_place.end());
    return static_cast<double>(sorted_in_place[at]);
}
}  // namespace

void set_percentiles(LatencyStats& stats, std::vector<std::int64_t>& samples, std::int64_t overhead_ns) {
    stats.ops = samples.size();
    if (samples.empty()) return;
    for (std::int64_t& s : samples) s = std::max<std::int64_t>(0, s - overhead_ns);
    stats.p50_ns = rank(samples, 0.50);
    stats.p99_ns = rank(samples, 0.99);
}

}  // namespace yihu::bench
