#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace yihu::client {

// A program started by a test, benchmark or tool (yihu-server nodes, redis-server, haproxy). It dies with its parent
// (PR_SET_PDEATHSIG), so a crashed test leaves nothing behind, and the destructor stops it (SIGTERM, then SIGKILL).
class ChildProcess {
  public:
    ChildProcess() = default;
    // Starts `argv` (argv[0] searched on PATH), stdout and stderr appended to `log` (or /dev/null when empty),
    // pinned to CPU `cpu` when it is >= 0 (what `taskset -c` does: benchmarks keep a server off the measured core).
    // Throws std::runtime_error when fork fails; an exec failure shows as exit code 127.
    ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log, int cpu = -1);
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ~ChildProcess() { stop(); }

    pid_t pid() const { return pid_; }
    // True while the process has not exited (reaps it if it has).
    bool running();
    // The exit code (128 + signal when killed) once it exited.
    std::optional<int> exit_code() const { return exit_code_; }
    void signal(int sig) const;
    // SIGKILL, no chance to clean up: what a crash looks like.
    void kill_hard();
    // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit code. Idempotent.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    // Waits up to `timeout` for the process to exit by itself.
    std::optional<int> wait(std::chrono::milliseconds timeout);

  private:
    pid_t pid_ = 0;
    std::optional<int> exit_code_;
};

// A free TCP port on 127.0.0.1 (the kernel's choice). Another process could take it before it is used; callers that
// start servers on it check that they came up.
std::uint16_t free_loopback_port();

}  // namespace yihu::client
