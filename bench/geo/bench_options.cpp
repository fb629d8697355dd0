#include "bench_options.h"

#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "core/index/volunteer_index.h"

namespace yihu::bench {

namespace {

namespace po = boost::program_options;

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> items;
    std::stringstream in(list);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) items.push_back(item);
    return items;
}

std::vector<std::size_t> parse_sizes(const std::string& list) {
    std::vector<std::size_t> sizes;
    for (const std::string& s : split(list)) {
        std::size_t used = 0;
        unsigned long long n = 0;
        try {
            n = std::stoull(s, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != s.size() || n < 1000 || n > 10'000'000)
            throw std::invalid_argument("--sizes: each size must be a whole number in 1000..10000000, got " + s);
        sizes.push_back(static_cast<std::size_t>(n));
    }
    if (sizes.empty()) throw std::invalid_argument("--sizes: empty list");
    return sizes;
}

std::vector<Distribution> parse_distributions(const std::string& list) {
    std::vector<Distribution> ds;
    for (const std::string& s : split(list)) {
        const auto d = parse_distribution(s);
        if (!d) throw std::invalid_argument("--distributions: unknown distribution " + s);
        ds.push_back(*d);
    }
    if (ds.empty()) throw std::invalid_argument("--distributions: empty list");
    return ds;
}

}  // namespace

std::optional<BenchOptions> parse_options(int argc, char** argv) {
    BenchOptions o;
    o.cell_deg = core::IndexOptions{}.cell_deg;
    bool no_redis = false;
    std::string sizes, distributions = "uniform,clustered", json;
    std::ostringstream default_cell;
    default_cell << o.cell_deg;
    po::options_description desc(
        "geo_bench: yihu's volunteer index against a brute-force scan, a Boost R*-tree and Redis GEO\nOptions");
    desc.add_options()("help,h", "show this help")("quick", po::bool_switch(&o.quick),
                                                   "smoke run: 20,000 volunteers and ~20x fewer ops (about 20 s)")(
        "sizes", po::value(&sizes), "volunteer counts, comma-separated (default 270000,1000000; --quick: 20000)")(
        "distributions", po::value(&distributions)->default_value(distributions), "uniform, clustered or both")(
        "no-redis", po::bool_switch(&no_redis), "do not start redis-server; skip the redis contender")(
        "cell-deg", po::value(&o.cell_deg)->default_value(o.cell_deg, default_cell.str()),
        "yihu's grid cell edge in degrees")("json", po::value(&json), "also write the results to this JSON file")(
        "seed", po::value(&o.seed)->default_value(o.seed), "base seed of the datasets and workloads")(
        "bench-cpu", po::value(&o.bench_cpu)->default_value(o.bench_cpu), "core for the benchmark thread (-1: any)")(
        "redis-cpu", po::value(&o.redis_cpu)->default_value(o.redis_cpu), "core for redis-server (-1: any)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw std::invalid_argument(e.what());
    }
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return std::nullopt;
    }
    o.sizes = parse_sizes(sizes.empty() ? (o.quick ? "20000" : "270000,1000000") : sizes);
    o.distributions = parse_distributions(distributions);
    o.redis = !no_redis;
    if (!json.empty()) o.json_path = json;
    if (!(o.cell_deg >= 0.0005 && o.cell_deg <= 1.0)) throw std::invalid_argument("--cell-deg must be in 0.0005..1");
    for (int i = 0; i < argc; ++i) {
        if (i > 0) o.command_line += ' ';
        o.command_line += argv[i];
    }
    return o;
}

}  // namespace yihu::bench
