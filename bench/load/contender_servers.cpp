#include "contender_servers.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/http_client.h"
#include "topology.h"

namespace yihu::bench::load {

using namespace std::chrono_literals;

namespace {

template <typename Probe>
void wait_until(Probe probe, client::ChildProcess& process, std::chrono::seconds limit, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        try {
            if (probe()) return;
        } catch (const std::exception&) {
        }
        if (!process.running()) throw std::runtime_error(what + " exited before it was ready");
        if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error(what + " not ready in time");
        std::this_thread::sleep_for(50ms);
    }
}

}  // namespace

YihuServer::YihuServer(const std::string& binary, const std::filesystem::path& dir, const std::string& secret_file,
                       std::size_t max_connections, int cpu, int cluster_nodes) {
    std::filesystem::create_directories(dir);
    // The bench floods positions and connects thousands of phones at once on purpose: the hostile-client limits
    // would measure themselves instead.
    const std::vector<std::string> limits = {
        "--limits.max_connections",     std::to_string(max_connections),
        "--limits.max_unauthenticated", std::to_string(std::max<std::size_t>(1, max_connections / 2)),
        "--limits.position_rate",       "0",
        "--limits.request_rate",        "0"};
    if (cluster_nodes > 1) {
        // Topology's nodes already run without the rate limits.
        const std::vector<std::string> connections(limits.begin(), limits.begin() + 4);
        cluster_ = Topology::cluster(binary, dir, secret_file, cluster_nodes, connections);
        ports_ = cluster_->ports();
        pids_ = cluster_->pids();
        int leader = cluster_->leader();
        for (int tries = 0; leader < 0 && tries < 200; ++tries) {  // every node is ready; the lease may lag
            std::this_thread::sleep_for(50ms);
            leader = cluster_->leader();
        }
        if (leader < 0) throw std::runtime_error("no node of the cluster holds the leader lease");
        pid_ = pids_[static_cast<std::size_t>(leader)];
        pids_.push_back(cluster_->redis_pid());  // the bus is part of the cost
        port_ = ports_[static_cast<std::size_t>(leader + 1) % ports_.size()];
        command_ = cluster_->describe() + "; every node: " + binary;
        for (const auto& a : connections) command_ += " " + a;
        return;
    }
    port_ = client::free_loopback_port();
    std::vector<std::string> args = {binary,
                                     "--port",
                                     std::to_string(port_),
                                     "--data-dir",
                                     (dir / "data").string(),
                                     "--auth.token_secret_file",
                                     secret_file,
                                     "--log.level",
                                     "warn"};
    args.insert(args.end(), limits.begin(), limits.end());
    for (const auto& a : args) command_ += (command_.empty() ? "" : " ") + a;
    process_ = client::ChildProcess(args, dir / "yihu-server.log", cpu);
    ports_ = {port_};
    pid_ = process_.pid();
    pids_ = {pid_};
    wait_until(
        [&] { return client::HttpClient("127.0.0.1", port_).request("GET", "/readyz", {}, {}, 1s).status == 200; },
        process_, 30s, "yihu-server (log: " + (dir / "yihu-server.log").string() + ")");
}

YihuServer::~YihuServer() = default;

std::string YihuServer::describe() const {
    return cluster_ ? cluster_->describe() : "1 node (SQLite)";
}

namespace {

double metric_at(std::uint16_t port, const std::string& name) {
    double sum = 0;
    try {
        client::HttpClient http("127.0.0.1", port);
        std::istringstream lines(http.request("GET", "/metrics", {}, {}, 5s).body);
        std::string line;
        while (std::getline(lines, line)) {
            if (line.rfind(name, 0) != 0) continue;
            const char next = line.size() > name.size() ? line[name.size()] : '\0';
            if (next != ' ' && next != '{') continue;
            sum += std::stod(line.substr(line.rfind(' ') + 1));
        }
    } catch (const std::exception&) {
    }
    return sum;
}

}  // namespace

double YihuServer::metric(const std::string& name) const {
    return metric_at(port_, name);
}

double YihuServer::metric_of_all(const std::string& name) const {
    double sum = 0;
    for (std::uint16_t port : ports_) sum += metric_at(port, name);
    return sum;
}

NodeServer::NodeServer(const std::string& node, const std::filesystem::path& script, const std::filesystem::path& log,
                       int cpu) {
    port_ = client::free_loopback_port();
    process_ = client::ChildProcess({node, script.string(), std::to_string(port_)}, log, cpu);
    wait_until(
        [&] { return client::HttpClient("127.0.0.1", port_).request("GET", "/count", {}, {}, 1s).status == 200; },
        process_, 15s, "the Node.js ws server (log: " + log.string() + ")");
}

std::size_t NodeServer::clients() const {
    client::HttpClient http("127.0.0.1", port_);
    return std::stoul(http.request("GET", "/count", {}, {}, 5s).body);
}

void NodeServer::broadcast(const std::string& key, std::size_t size) {
    if (!http_) http_ = std::make_unique<client::HttpClient>("127.0.0.1", port_);
    const auto reply = http_->request("POST", "/broadcast?key=" + key + "&size=" + std::to_string(size), {}, {}, 60s);
    if (reply.status != 200) throw std::runtime_error("node broadcast: HTTP " + std::to_string(reply.status));
}

std::string find_node(std::string& version) {
    version.clear();
    FILE* pipe = popen("node --version 2>/dev/null", "r");
    if (!pipe) return {};
    std::array<char, 128> buf{};
    while (fgets(buf.data(), static_cast<int>(buf.size()), pipe)) version += buf.data();
    if (pclose(pipe) != 0 || version.empty()) {
        version.clear();
        return {};
    }
    while (!version.empty() && (version.back() == '\n' || version.back() == '\r')) version.pop_back();
    return "node";
}

}  // namespace yihu::bench::load
