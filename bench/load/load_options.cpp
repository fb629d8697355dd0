#include "load_options.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace yihu::bench::load {

namespace po = boost::program_options;

namespace {

template <typename T>
std::vector<T> split(const std::string& text) {
    std::vector<T> out;
    std::istringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (item.empty()) continue;
        std::istringstream value(item);
        T v{};
        value >> v;
        if (!value) throw std::invalid_argument("not a list: " + text);
        out.push_back(v);
    }
    return out;
}

}  // namespace

bool LoadOptions::has_mode(const std::string& m) const {
    return std::find(modes.begin(), modes.end(), m) != modes.end();
}

bool parse_load_options(int argc, char** argv, LoadOptions& o, int& exit_code) {
    std::string client_cpus, modes, rates;
    po::options_description d("yihu_load options");
    d.add_options()("help", "this text")("phones", po::value(&o.phones), "simulated phones (default 1000)")(
        "workers", po::value(&o.workers), "phone worker processes (default 2)")(
        "client-cpus", po::value(&client_cpus), "pin the workers round robin to these CPUs, e.g. 1 or 0,1")(
        "server-cpu", po::value(&o.server_cpu), "pin yihu-server and the Node.js server to this CPU")(
        "modes", po::value(&modes),
        "comma list of fanout,drowning,mixed,positions (default all); connect always runs; node and raw run with "
        "fanout")("fanout-alerts", po::value(&o.fanout_alerts), "city-wide alerts (and node/raw rounds) (default 10)")(
        "drowning-alerts", po::value(&o.drowning_alerts), "drowning alerts on the idle node (default 200)")(
        "mixed-alerts", po::value(&o.mixed_alerts), "drowning alerts under position load (default 100)")(
        "mixed-rate", po::value(&o.mixed_positions_per_s), "positions/s during the mixed mode (default 1500)")(
        "position-rates", po::value(&rates), "the position ramp, per second (default 10000,25000,50000,100000,150000)")(
        "position-seconds", po::value(&o.position_seconds), "seconds per ramp step (default 3)")(
        "cluster", po::value(&o.cluster_nodes),
        "yihu as a cluster of this many nodes through a redis-server the bench starts (phones spread over the nodes, "
        "the dispatcher on a node that does not lead; default 1: one node)")(
        "no-node", "skip the Node.js ws contender")("server", po::value(&o.server),
                                                    "yihu-server binary (default: ../../server/yihu-server)")(
        "node-script", po::value(&o.node_script), "ws_broadcast_server.js (default: the source tree's bench/load)")(
        "json", po::value(&o.json), "write the report as JSON to this file")(
        "check", "fail (exit 1) unless every phone got every message exactly once, ratios were computed, ...")(
        "quick", "a smoke run: 200 phones, short modes, --check (figures not meaningful)")(
        "max-seconds", po::value(&o.max_seconds), "kill the run after this long (default 1800)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, d), vm);
        po::notify(vm);
        if (!client_cpus.empty()) o.client_cpus = split<int>(client_cpus);
        if (!modes.empty()) o.modes = split<std::string>(modes);
        if (!rates.empty()) o.position_rates = split<double>(rates);
    } catch (const std::exception& e) {
        std::cerr << "yihu_load: " << e.what() << " (see --help)\n";
        exit_code = 2;
        return false;
    }
    if (vm.count("help")) {
        std::cout << d;
        exit_code = 0;
        return false;
    }
    o.node = vm.count("no-node") == 0;
    o.check = vm.count("check") > 0;
    if (vm.count("quick")) {
        o.quick = true;
        o.check = true;
        if (!vm.count("phones")) o.phones = 200;
        o.fanout_alerts = 3;
        o.drowning_alerts = 20;
        o.mixed_alerts = 10;
        o.position_rates = {2000, 5000};
        o.position_seconds = 1;
    }
    for (const auto& m : o.modes) {
        if (m != "fanout" && m != "drowning" && m != "mixed" && m != "positions") {
            std::cerr << "yihu_load: unknown mode " << m << "\n";
            exit_code = 2;
            return false;
        }
    }
    if (o.phones < 1 || o.workers < 1 || o.workers > 64 || o.cluster_nodes < 1 || o.cluster_nodes > 9) {
        std::cerr << "yihu_load: --phones >= 1, --workers 1..64, --cluster 1..9\n";
        exit_code = 2;
        return false;
    }
    const std::filesystem::path self = std::filesystem::canonical("/proc/self/exe");
    if (o.server.empty())
        o.server = (self.parent_path().parent_path().parent_path() / "server" / "yihu-server").string();
    if (o.node_script.empty()) o.node_script = YIHU_LOAD_SOURCE_DIR "/ws_broadcast_server.js";
    for (int i = 0; i < argc; ++i) o.command += (i ? " " : "") + std::string(argv[i]);
    exit_code = 0;
    return true;
}

}  // namespace yihu::bench::load
