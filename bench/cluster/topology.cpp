#include "topology.h"

#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/http_client.h"
#include "common/metric_value.h"

namespace yihu::bench {

using namespace std::chrono_literals;

namespace {
std::vector<std::string> node_args(const std::string& binary, std::uint16_t port, const std::string& id,
                                   const std::filesystem::path& data, const std::string& secret_file) {
    // Rate limits off: the benchmark floods positions and requests on purpose, to measure what the hub applies.
    return {binary,
            "--port",
            std::to_string(port),
            "--server.node_id",
            id,
            "--data-dir",
            data.string(),
            "--auth.token_secret_file",
            secret_file,
            "--log.level",
            "warn",
            "--limits.position_rate",
            "0",
            "--limits.request_rate",
            "0"};
}
}  // namespace

std::unique_ptr<Topology> Topology::single(const std::string& binary, const std::filesystem::path& dir,
                                           const std::string& secret_file) {
    std::unique_ptr<Topology> t(new Topology());
    const std::uint16_t port = client::free_loopback_port();
    t->ports_.push_back(port);
    t->ids_.push_back("single");
    t->nodes_.emplace_back(node_args(binary, port, "single", dir / "single", secret_file), dir / "single.log");
    t->wait_ready();
    return t;
}

std::unique_ptr<Topology> Topology::cluster(const std::string& binary, const std::filesystem::path& dir,
                                            const std::string& secret_file, int nodes,
                                            const std::vector<std::string>& extra_args) {
    std::unique_ptr<Topology> t(new Topology());
    t->redis_ = std::make_unique<client::LocalRedis>(client::LocalRedis::Options{.dir = dir / "redis", .aof = true});
    for (int i = 1; i <= nodes; ++i) {
        const std::uint16_t port = client::free_loopback_port();
        const std::string id = "node-" + std::to_string(i);
        auto args = node_args(binary, port, id, dir / id, secret_file);
        args.insert(args.end(), {"--redis.url", t->redis_->url()});
        args.insert(args.end(), extra_args.begin(), extra_args.end());
        t->ports_.push_back(port);
        t->ids_.push_back(id);
        t->nodes_.emplace_back(args, dir / (id + ".log"));
    }
    t->wait_ready();
    return t;
}

Topology::~Topology() {
    for (auto& n : nodes_) n.stop();
}

void Topology::wait_ready() const {
    for (std::uint16_t port : ports_) {
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        for (;;) {
            try {
                client::HttpClient probe("127.0.0.1", port);
                if (probe.request("GET", "/readyz", {}, {}, 1s).status == 200) break;
            } catch (const std::exception&) {
            }
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("node on port " + std::to_string(port) + " not ready in 30 s");
            }
            std::this_thread::sleep_for(50ms);
        }
    }
}

std::vector<pid_t> Topology::pids() const {
    std::vector<pid_t> pids;
    for (const auto& n : nodes_) pids.push_back(n.pid());
    return pids;
}

pid_t Topology::redis_pid() const {
    return redis_ ? redis_->pid() : 0;
}

int Topology::leader() const {
    if (!redis_) return 0;
    const std::string value = redis_->cli("GET 'yihu:{dongguan}:leader'");
    for (std::size_t i = 0; i < ids_.size(); ++i) {
        if (value.rfind(ids_[i] + "#", 0) == 0) return static_cast<int>(i);
    }
    return -1;
}

std::string Topology::describe() const {
    std::ostringstream out;
    out << ports_.size() << (ports_.size() == 1 ? " node" : " nodes");
    if (redis_) out << " through redis-server on 127.0.0.1:" << redis_->port() << " (AOF, appendfsync always)";
    return out.str();
}

double scrape_counter(std::uint16_t port, const std::string& name) {
    return metric_value(port, name).value_or(0);
}

}  // namespace yihu::bench
