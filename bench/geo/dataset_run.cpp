#include "dataset_run.h"

#include <algorithm>
#include <iomanip>
#include <memory>

#include "bruteforce_contender.h"
#include "cross_check.h"
#include "dataset.h"
#include "grid_profile.h"
#include "local_runner.h"
#include "machine_info.h"
#include "op_budget.h"
#include "redis_contender.h"
#include "redis_runner.h"
#include "redis_server_stats.h"
#include "report.h"
#include "rtree_contender.h"
#include "workload.h"
#include "yihu_contender.h"

namespace yihu::bench {

namespace {

// Distinct, reproducible seeds per dataset, derived from the one on the command line.
std::uint64_t dataset_seed(std::uint64_t base, std::size_t size, Distribution d) {
    return base ^ (static_cast<std::uint64_t>(size) * 0x9E3779B97F4A7C15ull) ^
           ((d == Distribution::kClustered ? 2ull : 1ull) * 0xC2B2AE3D27D4EB4Full);
}

WorkloadSizes workload_sizes(bool quick) {
    WorkloadSizes s;
    s.knn = largest_budget(Measure::kKnn100_1km, quick).max_ops;
    s.circle = largest_budget(Measure::kCircle5km, quick).max_ops;
    s.polygon = largest_budget(Measure::kPolygon, quick).max_ops;
    for (Measure m : {Measure::kUpdateNear, Measure::kUpdateFar, Measure::kRoam1000}) {
        const OpBudget b = largest_budget(m, quick);
        s.moves = std::max(s.moves, b.max_warmup + 2 * b.max_ops);
    }
    s.check_moves = quick ? 100 : 300;
    return s;
}

double seconds_since(BenchClock::time_point t0) {
    return static_cast<double>(elapsed_ns(t0, BenchClock::now())) / 1e9;
}

}  // namespace

DatasetOutcome run_dataset(std::size_t size, Distribution distribution, const DatasetRunSettings& settings,
                           std::ostream& out) {
    DatasetOutcome outcome;
    const std::uint64_t data_seed = dataset_seed(settings.seed, size, distribution);
    const Dataset data = make_dataset(size, distribution, data_seed);
    const Workload w = make_workload(data, workload_sizes(settings.quick), data_seed + 1);
    out << "\n== " << data.name << ": " << size << " volunteers, " << distribution_name(distribution) << ", "
        << data.skilled() << " with skill 0; dataset seed " << data_seed << ", workload seed " << w.seed << "\n";
    const GridProfile grid =
        profile_grid(data, w, settings.cell_deg, settings.quick ? 200 : 2000, settings.quick ? 20 : 100);
    out << describe(grid) << std::endl;  // flushed: a long run shows its progress

    auto& c = outcome.conditions;
    c["name"] = data.name;
    c["volunteers"] = size;
    c["distribution"] = distribution_name(distribution);
    c["with_skill_0"] = data.skilled();
    c["dataset_seed"] = data_seed;
    c["workload_seed"] = w.seed;
    c["grid"] = {{"cell_deg", grid.cell_deg},
                 {"occupied_cells", grid.occupied_cells},
                 {"mean_per_occupied_cell", grid.mean_per_cell},
                 {"max_per_cell", grid.max_per_cell},
                 {"knn100_1km_cells_read", grid.knn_cells},
                 {"knn100_1km_points_read", grid.knn_read},
                 {"knn100_1km_points_read_p99", grid.knn_read_p99},
                 {"knn100_1km_points_inside", grid.knn_inside},
                 {"knn100_1km_skilled_inside", grid.knn_skilled},
                 {"circle_5km_points_read", grid.circle_read},
                 {"circle_5km_points_inside", grid.circle_inside},
                 {"update_near_share_changing_cell", grid.near_moves_changing_cell}};

    YihuContender yihu(core::IndexOptions{.cell_deg = settings.cell_deg});
    BruteforceContender brute;
    RtreeContender rtree;
    std::unique_ptr<RedisContender> redis;
    if (settings.redis) redis = std::make_unique<RedisContender>(*settings.redis);
    std::vector<Contender*> all = {&yihu, &brute, &rtree};
    if (redis) all.push_back(redis.get());

    out << "load:";
    boost::json::object load_s;
    for (Contender* contender : all) {
        const auto t0 = BenchClock::now();
        contender->load(data, w.alerts);
        const double s = seconds_since(t0);
        load_s[contender->name()] = s;
        out << " " << contender->name() << " " << std::fixed << std::setprecision(2) << s << " s";
    }
    out << std::defaultfloat << std::endl;
    c["load_seconds"] = load_s;

    out << "cross-check against yihu (before timing):\n";
    const std::vector<Contender*> others(all.begin() + 1, all.end());
    CheckCounts counts;
    if (settings.quick) counts = CheckCounts{100, 30, 100, 100};
    outcome.checks_passed = cross_check(yihu, others, data, w, counts, out);
    out << std::flush;
    if (!outcome.checks_passed) return outcome;

    const auto t0 = BenchClock::now();
    auto append = [&](std::vector<ResultRow> rows) {
        outcome.rows.insert(outcome.rows.end(), rows.begin(), rows.end());
    };
    append(run_local_measures(yihu, data, w, settings.quick, settings.timer_overhead_ns));
    append(run_local_measures(brute, data, w, settings.quick, settings.timer_overhead_ns));
    append(run_local_measures(rtree, data, w, settings.quick, settings.timer_overhead_ns));
    if (redis) {
        RedisServerStats stats(*settings.redis);
        append(run_redis_measures(*redis, stats, data, w, settings.quick, settings.timer_overhead_ns));
    }
    c["timing_seconds"] = seconds_since(t0);
    c["load_average_after"] = load_average();  // the other core's load shows here (a shared machine is noisy)
    out << "\n";
    print_table(out, data.name, outcome.rows);
    out << std::flush;
    return outcome;
}

}  // namespace yihu::bench
