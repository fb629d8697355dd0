#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/child_process.h"

namespace yihu::bench {

// A redis-server the benchmark starts for itself: loopback only, on a free port, no persistence, pinned to one CPU.
// It is stopped by the destructor (so also on error paths), killed by SIGINT/SIGTERM/SIGHUP handlers installed by
// start(), and dies with the benchmark if the benchmark is killed (PR_SET_PDEATHSIG).
class RedisServerProcess {
  public:
    // `cpu` < 0: no pinning. Throws if redis-server cannot be started or does not answer PING within `timeout`.
    static std::unique_ptr<RedisServerProcess> start(int cpu, std::chrono::milliseconds timeout);

    RedisServerProcess(const RedisServerProcess&) = delete;
    RedisServerProcess& operator=(const RedisServerProcess&) = delete;
    ~RedisServerProcess() { stop(); }

    int port() const { return port_; }
    pid_t pid() const { return process_.pid(); }
    const std::string& host() const { return host_; }
    // SIGTERM, then SIGKILL after 3 s; idempotent.
    void stop();

  private:
    RedisServerProcess(client::ChildProcess process, int port) : process_(std::move(process)), port_(port) {}

    client::ChildProcess process_;
    int port_;
    std::string host_ = "127.0.0.1";
};

}  // namespace yihu::bench
