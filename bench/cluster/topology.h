#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/child_process.h"
#include "common/local_redis.h"

namespace yihu::bench {

// yihu-server processes the benchmark starts for itself on loopback: one node alone (no Redis), or a cluster of n
// nodes joined through a redis-server with AOF (appendfsync always, as deploy/redis.conf). Stopped by the
// destructor.
class Topology {
  public:
    // Throws std::runtime_error when a node does not become ready within 30 s.
    static std::unique_ptr<Topology> single(const std::string& server_binary, const std::filesystem::path& dir,
                                            const std::string& secret_file);
    // `extra_args`: more command-line options for every node.
    static std::unique_ptr<Topology> cluster(const std::string& server_binary, const std::filesystem::path& dir,
                                             const std::string& secret_file, int nodes,
                                             const std::vector<std::string>& extra_args = {});
    ~Topology();

    const std::vector<std::uint16_t>& ports() const { return ports_; }
    // The nodes' processes, and redis-server's (0 for a single node).
    std::vector<pid_t> pids() const;
    pid_t redis_pid() const;
    // The node holding the leader lease (index into ports()), 0 for a single node.
    int leader() const;
    std::string describe() const;

  private:
    Topology() = default;
    void wait_ready() const;

    std::unique_ptr<client::LocalRedis> redis_;
    std::vector<client::ChildProcess> nodes_;
    std::vector<std::uint16_t> ports_;
    std::vector<std::string> ids_;
};

// A counter from a node's /metrics (0 when absent or unreachable).
double scrape_counter(std::uint16_t port, const std::string& name);

}  // namespace yihu::bench
