#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "op_budget.h"
#include "op_timer.h"

namespace yihu::bench {

// Where a measure's two timed passes take their inputs, and how many ops each runs.
struct PassPlan {
    std::size_t ops = 0;
    std::size_t each_from = 0;  // the pass timing each op
    std::size_t loop_from = 0;  // the tight loop
};

// Warms the op up (at most a quarter of the budget's time) and sizes the timed passes from what the warm-up cost.
// An op that changes data (a move) uses each input once, so warm-up, pass one and pass two take consecutive
// inputs; a query reuses inputs from the start.
template <class Op>
PassPlan warm_up(Op&& op, std::size_t inputs, bool consumes_inputs, const OpBudget& budget) {
    const std::size_t max_warm = std::min(budget.max_warmup, consumes_inputs ? inputs / 3 : inputs);
    const auto limit_ns = static_cast<std::int64_t>(budget.seconds * 0.25e9);
    const auto start = BenchClock::now();
    std::size_t warm = 0;
    while (warm < max_warm && (warm < 3 || elapsed_ns(start, BenchClock::now()) < limit_ns)) op(warm++);
    const double spent_ns = static_cast<double>(std::max<std::int64_t>(elapsed_ns(start, BenchClock::now()), 1));
    const double per_op_ns = warm == 0 ? 1.0 : spent_ns / static_cast<double>(warm);

    PassPlan plan;
    const auto affordable = static_cast<std::size_t>(budget.seconds * 1e9 / per_op_ns);
    plan.ops = std::clamp(affordable, budget.min_ops, budget.max_ops);
    plan.ops = std::min(plan.ops, consumes_inputs ? (inputs - warm) / 2 : inputs);
    plan.each_from = consumes_inputs ? warm : 0;
    plan.loop_from = consumes_inputs ? warm + plan.ops : 0;
    return plan;
}

}  // namespace yihu::bench
