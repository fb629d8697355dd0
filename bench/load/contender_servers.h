#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/child_process.h"
#include "common/http_client.h"

namespace yihu::bench {
class Topology;
}

namespace yihu::bench::load {

// A yihu-server the benchmark starts for itself: 127.0.0.1, a free port, a fresh data directory under `dir` (SQLite,
// synchronous=FULL: every commit is fsynced), its log in `dir`/yihu-server.log. Or, with `cluster_nodes` > 1, that
// many nodes joined through a redis-server the benchmark starts (bench/cluster/topology.h: AOF, appendfsync always).
// Stopped (SIGTERM) by the destructor.
class YihuServer {
  public:
    // Throws std::runtime_error when it is not ready (GET /readyz) within 30 s.
    YihuServer(const std::string& binary, const std::filesystem::path& dir, const std::string& secret_file,
               std::size_t max_connections, int cpu, int cluster_nodes = 1);
    ~YihuServer();
    // Where the dispatcher's requests go: in a cluster a node that does not lead (the longest path).
    std::uint16_t port() const { return port_; }
    // Where the phones connect, spread round robin: every node.
    const std::vector<std::uint16_t>& ports() const { return ports_; }
    // The process whose hub does the work (in a cluster the leader), and every process of the server side (for CPU
    // and memory; in a cluster every node and redis-server).
    pid_t pid() const { return pid_; }
    const std::vector<pid_t>& pids() const { return pids_; }
    const std::string& command() const { return command_; }
    std::string describe() const;
    // A counter or gauge from port()'s /metrics (summed over its label sets); 0 when absent.
    double metric(const std::string& name) const;
    // The same summed over every node (in a cluster the leader's hub counts what the others do not).
    double metric_of_all(const std::string& name) const;

  private:
    std::uint16_t port_ = 0;
    std::vector<std::uint16_t> ports_;
    pid_t pid_ = 0;
    std::vector<pid_t> pids_;
    std::string command_;
    client::ChildProcess process_;
    std::unique_ptr<Topology> cluster_;
};

// ws_broadcast_server.js under node, on a free loopback port.
class NodeServer {
  public:
    // Throws std::runtime_error when it does not answer GET /count within 15 s.
    NodeServer(const std::string& node, const std::filesystem::path& script, const std::filesystem::path& log, int cpu);
    std::uint16_t port() const { return port_; }
    pid_t pid() const { return process_.pid(); }
    std::size_t clients() const;
    // Asks for one broadcast of `size` bytes keyed `key`; returns when the server has queued it to every client.
    // One keep-alive connection, as yihu's dispatcher has, so neither side pays a TCP handshake in the timing.
    void broadcast(const std::string& key, std::size_t size);

  private:
    std::uint16_t port_ = 0;
    client::ChildProcess process_;
    std::unique_ptr<client::HttpClient> http_;
};

// The Node.js executable and the version it reports ("v20.1.0"), or empty strings when none is on PATH.
std::string find_node(std::string& version);

}  // namespace yihu::bench::load
