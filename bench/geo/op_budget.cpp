#include "op_budget.h"

#include <algorithm>

namespace yihu::bench {

namespace {

std::size_t full_max_ops(Measure m, std::string_view contender) {
    const bool updates = is_update(m);
    if (contender == "redis") return updates ? 20'000 : 5'000;
    if (contender == "bruteforce" && !updates) return 2'000;  // O(N) per query
    switch (m) {
        case Measure::kCircle5km:
            return 10'000;
        case Measure::kKnn100_1km:
        case Measure::kPolygon:
            return 20'000;
        default:
            return 100'000;
    }
}

}  // namespace

OpBudget op_budget(Measure measure, std::string_view contender, bool quick) {
    OpBudget b;
    const bool remote = contender == "redis";
    b.max_ops = full_max_ops(measure, contender);
    b.min_ops = remote ? 100 : 200;
    b.max_warmup = is_update(measure) ? 1'000 : 200;
    b.seconds = remote ? 2.0 : 1.0;
    if (quick) {
        b.max_ops = std::max<std::size_t>(b.max_ops / 20, 20);
        b.min_ops = 20;
        b.max_warmup = 50;
        b.seconds = remote ? 0.15 : 0.08;
    }
    return b;
}

OpBudget largest_budget(Measure measure, bool quick) {
    OpBudget largest;
    for (std::string_view c : {"yihu", "bruteforce", "boost_rtree", "redis"}) {
        const OpBudget b = op_budget(measure, c, quick);
        largest.max_ops = std::max(largest.max_ops, b.max_ops);
        largest.max_warmup = std::max(largest.max_warmup, b.max_warmup);
    }
    return largest;
}

}  // namespace yihu::bench
