#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace yihu::bench::load {

// The coordinator's side of the phone workers: forked at start (before any thread exists), each on its own socketpair,
// pinned round robin to `cpus` when that is not empty. The destructor tells them to quit and reaps them.
class WorkerPool {
  public:
    WorkerPool(int workers, const std::string& secret, const std::vector<int>& cpus);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    std::size_t size() const { return fds_.size(); }
    const std::vector<pid_t>& pids() const { return pids_; }

    void send(std::size_t worker, const std::string& line);
    void send_all(const std::string& line);
    // One reply per worker whose first word is `verb`, in worker order. "progress" lines that come first go to
    // `on_progress` (connected, positions sent, summed over workers). Throws std::runtime_error after `timeout`,
    // or when a worker dies.
    using Progress = std::function<void(std::int64_t connected, std::int64_t positions_sent)>;
    std::vector<std::string> collect(const std::string& verb, std::chrono::milliseconds timeout,
                                     const Progress& on_progress = {});
    // `line` to every worker and their replies.
    std::vector<std::string> ask_all(const std::string& line, std::chrono::milliseconds timeout);

    // CPU time all workers have used so far (ns).
    std::int64_t cpu_ns() const;

  private:
    std::vector<int> fds_;
    std::vector<pid_t> pids_;
    std::vector<std::string> buffers_;
    std::vector<std::deque<std::string>> unread_;
    std::vector<std::int64_t> progress_connected_, progress_positions_;
};

}  // namespace yihu::bench::load
