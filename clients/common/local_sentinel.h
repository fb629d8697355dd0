#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/child_process.h"

namespace yihu::client {

// A redis-sentinel of its own for a test or benchmark, loopback only, watching the master on `master_port` under
// `master_name` (a quorum of `quorum` sentinels must agree that it is down). Its config file lives in `dir`, since
// Sentinel rewrites it as it learns the replicas, the other sentinels and each failover.
class LocalSentinel {
  public:
    struct Options {
        std::filesystem::path dir;
        std::uint16_t master_port = 0;
        std::string master_name = "yihu";
        int quorum = 2;
        // Silent this long: down. As deploy/sentinel.conf: with 1 s, a master just promoted on a loaded machine (its
        // first AOF fsyncs) was once judged down too and failed over a second time, leaving no replica for 10 s.
        int down_after_ms = 2000;
        int failover_timeout_ms = 5000;
    };
    // Throws std::runtime_error when redis-sentinel does not answer PING within 10 s.
    explicit LocalSentinel(Options options);

    std::uint16_t port() const { return port_; }
    // SENTINEL GET-MASTER-ADDR-BY-NAME's port, 0 when it names none.
    std::uint16_t master_port() const;
    // One command through redis-cli, its output trimmed.
    std::string cli(const std::string& args) const;

  private:
    Options options_;
    std::uint16_t port_;
    ChildProcess process_;
};

}  // namespace yihu::client
