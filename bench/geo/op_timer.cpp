#include "op_timer.h"

#include <algorithm>

namespace yihu::bench {

std::int64_t timer_overhead_ns() {
    constexpr std::size_t kPairs = 20'000;
    std::vector<std::int64_t> samples = time_each(0, kPairs, [](std::size_t) {});
    std::nth_element(samples.begin(), samples.begin() + kPairs / 2, samples.end());
    return samples[kPairs / 2];
}

}  // namespace yihu::bench
