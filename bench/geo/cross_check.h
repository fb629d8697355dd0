#pragma once

#include <cstddef>
#include <ostream>
#include <vector>

#include "contender.h"
#include "dataset.h"
#include "workload.h"

namespace yihu::bench {

struct CheckCounts {
    std::size_t knn = 300;
    std::size_t circle = 100;
    std::size_t polygon = 300;
    std::size_t roam = 300;  // at most workload.check_moves.size()
};

// Before anything is timed, asks every contender the questions yihu answers and compares id sets, so that a
// contender cannot win by being fast and wrong. Queries run on the positions as loaded; then the check moves are
// applied, in order, to yihu and to every contender that roams, comparing the alerts entered. An exact contender
// must agree exactly; an inexact one (Redis) may differ only for points within a metre or so of a query's edge.
// Prints one line per contender and measure; returns false if any contender disagrees.
bool cross_check(Contender& reference, const std::vector<Contender*>& others, const Dataset& data, const Workload& w,
                 const CheckCounts& counts, std::ostream& log);

}  // namespace yihu::bench
