#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <string>

#include "common/child_process.h"

namespace yihu::client {

// A redis-server of its own for a test, benchmark or local cluster: loopback only, on a free port, its files in
// `dir`. With `aof` it runs as deploy/redis.conf does in production (appendonly yes, appendfsync always), so a
// restart keeps everything acknowledged; without, it keeps nothing on disk.
class LocalRedis {
  public:
    struct Options {
        std::filesystem::path dir;
        bool aof = true;
        std::uint16_t port = 0;        // 0: a free one
        std::uint16_t replica_of = 0;  // above 0: starts as a replica of the Redis on this loopback port
    };
    // Throws std::runtime_error when redis-server does not answer PING within 10 s.
    explicit LocalRedis(Options options);

    std::uint16_t port() const { return port_; }
    pid_t pid() const { return process_.pid(); }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

    // SIGTERM: Redis finishes its AOF and exits.
    void stop() { process_.stop(); }
    // SIGKILL: what a crash or power loss looks like (with appendfsync always, acknowledged writes survive).
    void kill_hard() { process_.kill_hard(); }
    // Starts it again on the same port and files; throws like the constructor.
    void start();
    bool running() { return process_.running(); }
    // SIGSTOP / SIGCONT: a frozen process (its sockets stay open, nothing answers).
    void pause() { process_.signal(SIGSTOP); }
    void resume() { process_.signal(SIGCONT); }
    // One command through redis-cli, its output trimmed (for tests' checks of raw keys).
    std::string cli(const std::string& args) const;

  private:
    Options options_;
    std::uint16_t port_;
    ChildProcess process_;
};

// One command through redis-cli to 127.0.0.1:`port`, its output trimmed.
std::string redis_cli(std::uint16_t port, const std::string& args);
// Polls PING on `port` until PONG; throws std::runtime_error when `process` exits or 10 s pass (`log` in the message).
void wait_for_pong(ChildProcess& process, std::uint16_t port, const std::filesystem::path& log);

}  // namespace yihu::client
