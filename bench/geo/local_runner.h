#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"
#include "latency_stats.h"
#include "measure_ops.h"
#include "op_budget.h"
#include "op_timer.h"
#include "pass_plan.h"
#include "result_row.h"
#include "workload.h"

namespace yihu::bench {

// Times every measure of an in-process contender: p50 / p99 from each op timed alone (minus the clock's own cost),
// ns_per_op from tight loops over as many further ops (the median of 10 runs, see time_loop_ns). C is the concrete
// contender type.
template <class C>
std::vector<ResultRow> run_local_measures(C& c, const Dataset& data, const Workload& w, bool quick,
                                          std::int64_t timer_overhead) {
    std::vector<ResultRow> rows;
    OpScratch scratch;
    for_each_measure(c, w, scratch, [&](Measure m, std::size_t inputs, auto&& op) {
        const PassPlan plan = warm_up(op, inputs, is_update(m), op_budget(m, c.name(), quick));
        std::vector<std::int64_t> samples = time_each(plan.each_from, plan.ops, op);
        LatencyStats stats;
        set_percentiles(stats, samples, timer_overhead);
        stats.ns_per_op = time_loop_ns(plan.loop_from, plan.ops, op);
        rows.push_back(ResultRow{std::string(c.name()), data.name, std::string(measure_name(m)), stats});
    });
    do_not_optimize(scratch.sink);
    return rows;
}

}  // namespace yihu::bench
