// geo_bench: times yihu's volunteer index against a brute-force scan, a Boost R*-tree and Redis GEO on the same
// data and the same operations, after checking they all return the same volunteers. See bench/RESULTS.md.

#include <boost/json/array.hpp>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>

#include "alert_mix.h"
#include "bench_options.h"
#include "conditions.h"
#include "dataset.h"
#include "dataset_run.h"
#include "json_report.h"
#include "machine_info.h"
#include "memory_probe.h"
#include "op_timer.h"
#include "redis_connection.h"
#include "redis_server_process.h"
#include "redis_server_stats.h"
#include "targets.h"

namespace yihu::bench {
namespace {

constexpr int kChecksFailed = 2;

Conditions base_conditions(const BenchOptions& o, bool pinned, bool redis_pinned, const std::string& redis_version,
                           std::int64_t timer_overhead) {
    Conditions c;
    c.add("date", utc_now());
    c.add("command", o.command_line);
    c.add("cpu", cpu_model());
    c.add("cpu_caches", cpu_caches());
    c.add("online_cpus", online_cpus());
    c.add("bench_cpu", pinned ? boost::json::value(o.bench_cpu) : boost::json::value("not pinned"));
    c.add("redis_cpu", !o.redis       ? boost::json::value(nullptr)
                       : redis_pinned ? boost::json::value(std::to_string(o.redis_cpu) +
                                                           " (sched_setaffinity before exec, as taskset -c does)")
                                      : boost::json::value("not pinned"));
    boost::json::object latency;
    for (std::size_t mib : {1, 8, 64, 256}) latency[std::to_string(mib) + "MiB"] = dependent_load_ns(mib << 20);
    c.add("dependent_load_ns", latency);
    c.add("load_average_at_start", load_average());
    c.add("kernel", kernel());
    c.add("compiler", compiler());
    c.add("build", build_type());
    c.add("redis", o.redis ? boost::json::value("redis-server " + redis_version) : boost::json::value(nullptr));
    c.add("region", "Dongguan box lat 22.65..23.10, lon 113.55..114.25 (~50 x 72 km)");
    boost::json::array sizes, dists;
    for (std::size_t n : o.sizes) sizes.push_back(n);
    for (Distribution d : o.distributions) dists.push_back(boost::json::value(distribution_name(d)));
    c.add("sizes", sizes);
    c.add("distributions", dists);
    c.add("clustered_layout", clustered_layout());
    c.add("volunteers",
          "all on duty and fresh; ~10% hold skill 0 (the one queried), skills 1-15 20% each, tier "
          "uniform");
    c.add("yihu_cell_deg", o.cell_deg);
    c.add("alert_mix", alert_mix_description(1000));
    c.add("seed", o.seed);
    c.add("timer", "std::chrono::steady_clock; per-op samples minus the median empty clock pair (" +
                       std::to_string(timer_overhead) +
                       " ns); ns_per_op from tight loops with no clock read per op: 10 consecutive runs each timed "
                       "once, the median run's total / count");
    c.add("quick", o.quick);
    boost::json::array notes = {
        "roam_1000 has no Redis equivalent (Redis cannot ask which stored areas contain a point): not applicable, "
        "no redis rows",
        "redis = server-side time per call: p50/p99 from SLOWLOG with every call logged (1 us resolution), ns_per_op "
        "from INFO commandstats usec/calls; redis_rtt = round trip measured by the client (hiredis, loopback)",
        "redis update = GEOADD vol only; redis knn queries key vol:skill0 (skill holders only), circle and polygon "
        "query vol; polygon = GEOSEARCH BYBOX over the bounding box + client-side Polygon::contains",
        "bruteforce update is an array write (no index to maintain); bruteforce queries scan every volunteer",
        "boost_rtree = bgi::rtree<rstar<16>> of (lon, lat), bulk-loaded; update = remove + insert"};
    c.add("notes", notes);
    return c;
}

int run(const BenchOptions& o) {
    std::unique_ptr<RedisServerProcess> server;
    std::optional<RedisConnection> redis;
    std::string redis_version;
    const bool can_pin = online_cpus() > 1;
    if (o.redis) {
        server = RedisServerProcess::start(can_pin ? o.redis_cpu : -1, std::chrono::seconds(10));
        redis.emplace(RedisConnection::connect(server->host(), server->port(), std::chrono::seconds(5)));
        redis_version = RedisServerStats(*redis).version();
    }
    const bool pinned = can_pin && pin_this_thread(o.bench_cpu);
    const std::int64_t overhead = timer_overhead_ns();

    Conditions conditions = base_conditions(o, pinned, can_pin && o.redis_cpu >= 0, redis_version, overhead);
    std::cout << "geo_bench conditions:\n";
    conditions.print(std::cout);
    std::cout << std::flush;

    DatasetRunSettings settings;
    settings.quick = o.quick;
    settings.cell_deg = o.cell_deg;
    settings.seed = o.seed;
    settings.timer_overhead_ns = overhead;
    settings.redis = redis ? &*redis : nullptr;

    std::vector<ResultRow> rows;
    std::vector<std::string> names;
    boost::json::array datasets;
    for (std::size_t size : o.sizes) {
        for (Distribution d : o.distributions) {
            DatasetOutcome outcome = run_dataset(size, d, settings, std::cout);
            if (!outcome.checks_passed) {
                std::cout << "\ncross-check FAILED: a contender returned different volunteers than yihu; no timing "
                             "is reported\n";
                return kChecksFailed;
            }
            names.push_back(std::string(outcome.conditions["name"].as_string()));
            rows.insert(rows.end(), outcome.rows.begin(), outcome.rows.end());
            datasets.push_back(std::move(outcome.conditions));
        }
    }
    conditions.add("datasets", datasets);

    // The smoke run (CTest) judges by the exit code: every row must hold a measurement, and every contender asked
    // for (Redis unless --no-redis) must have measured something.
    bool redis_measured = false;
    for (const ResultRow& r : rows) {
        redis_measured |= r.contender == "redis";
        if (!r.stats.p50_ns && !r.stats.ns_per_op) {
            std::cout << "\nno measurement for " << r.contender << " " << r.measure << " on " << r.dataset << "\n";
            return kChecksFailed;
        }
    }
    if (rows.empty() || (o.redis && !redis_measured)) {
        std::cout << "\nnothing measured" << (rows.empty() ? "" : " for redis") << "\n";
        return kChecksFailed;
    }

    const std::vector<TargetCheck> targets = check_targets(rows, names);
    std::cout << "\ntargets (timings are informative: they never fail the run):\n";
    print_targets(std::cout, targets);
    if (o.json_path) {
        write_json(*o.json_path, rows, conditions, targets);
        std::cout << "\nwrote " << *o.json_path << "\n";
    }
    return 0;
}

}  // namespace
}  // namespace yihu::bench

int main(int argc, char** argv) {
    try {
        const std::optional<yihu::bench::BenchOptions> options = yihu::bench::parse_options(argc, argv);
        if (!options) return 0;
        return yihu::bench::run(*options);
    } catch (const std::exception& e) {
        std::cerr << "geo_bench: " << e.what() << "\n";
        return 1;
    }
}
