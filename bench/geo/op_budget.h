#pragma once

#include <cstddef>
#include <string_view>

#include "measure.h"

namespace yihu::bench {

// How many ops a measure may run. Each of its two timed passes (one op at a time, then a tight loop) runs the same
// count: the most that fit in `seconds` at the cost seen during warm-up, within [min_ops, max_ops].
struct OpBudget {
    std::size_t max_ops = 0;
    std::size_t min_ops = 0;
    std::size_t max_warmup = 0;
    double seconds = 0;
};

// The budget of `contender` on `measure`; --quick shrinks everything ~20x.
OpBudget op_budget(Measure measure, std::string_view contender, bool quick);

// The largest max_ops / max_warmup of any contender: how many inputs the workload must hold.
OpBudget largest_budget(Measure measure, bool quick);

}  // namespace yihu::bench
