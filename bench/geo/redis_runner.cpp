#include "redis_runner.h"

#include <string>

#include "measure_ops.h"
#include "op_budget.h"
#include "op_timer.h"
#include "pass_plan.h"

namespace yihu::bench {

std::vector<ResultRow> run_redis_measures(RedisContender& c, RedisServerStats& stats, const Dataset& data,
                                          const Workload& w, bool quick, std::int64_t timer_overhead) {
    std::vector<ResultRow> rows;
    OpScratch scratch;
    for_each_measure(c, w, scratch, [&](Measure m, std::size_t inputs, auto&& op) {
        const std::string command = RedisContender::command_of(m);
        const PassPlan plan = warm_up(op, inputs, is_update(m), op_budget(m, "redis", quick));
        const std::size_t log_capacity = plan.ops + 1'000;

        stats.start_slowlog(log_capacity);
        std::vector<std::int64_t> rtt = time_each(plan.each_from, plan.ops, op);
        std::vector<std::int64_t> server_us = stats.stop_slowlog(command, log_capacity);

        stats.reset_counters();
        LatencyStats client;
        client.ns_per_op = time_loop_ns(plan.loop_from, plan.ops, op);
        const RedisServerStats::Totals totals = stats.totals(command);
        set_percentiles(client, rtt, timer_overhead);

        LatencyStats server;
        std::vector<std::int64_t> server_ns;
        for (std::int64_t us : server_us) server_ns.push_back(us * 1000);
        set_percentiles(server, server_ns, 0);
        if (totals.calls > 0)
            server.ns_per_op = static_cast<double>(totals.usec) * 1000.0 / static_cast<double>(totals.calls);

        const std::string measure(measure_name(m));
        rows.push_back(ResultRow{"redis", data.name, measure, server});
        rows.push_back(ResultRow{"redis_rtt", data.name, measure, client});
    });
    do_not_optimize(scratch.sink);
    return rows;
}

}  // namespace yihu::bench
