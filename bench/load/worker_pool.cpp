#include "worker_pool.h"

#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <sstream>
#include <stdexcept>

#include "phone_worker.h"
#include "proc_stats.h"

namespace yihu::bench::load {

WorkerPool::WorkerPool(int workers, const std::string& secret, const std::vector<int>& cpus) {
    for (int w = 0; w < workers; ++w) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) throw std::runtime_error("socketpair");
        const pid_t pid = fork();
        if (pid < 0) throw std::runtime_error("fork");
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            close(pair[0]);
            for (int fd : fds_) close(fd);
            if (!cpus.empty()) {
                cpu_set_t set;
                CPU_ZERO(&set);
                CPU_SET(cpus[static_cast<std::size_t>(w) % cpus.size()], &set);
                sched_setaffinity(0, sizeof set, &set);
            }
            _exit(run_phone_worker(pair[1], secret));
        }
        close(pair[1]);
        fds_.push_back(pair[0]);
        pids_.push_back(pid);
    }
    buffers_.resize(fds_.size());
    unread_.resize(fds_.size());
    progress_connected_.assign(fds_.size(), 0);
    progress_positions_.assign(fds_.size(), 0);
}

WorkerPool::~WorkerPool() {
    for (int fd : fds_) {
        const std::string quit = "quit\n";
        (void)!write(fd, quit.data(), quit.size());
        close(fd);
    }
    for (pid_t pid : pids_) {
        int status = 0;
        for (int i = 0; i < 50 && waitpid(pid, &status, WNOHANG) == 0; ++i) usleep(20'000);
        if (waitpid(pid, &status, WNOHANG) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
        }
    }
}

void WorkerPool::send(std::size_t worker, const std::string& line) {
    const std::string l = line + "\n";
    std::size_t done = 0;
    while (done < l.size()) {
        const ssize_t w = write(fds_[worker], l.data() + done, l.size() - done);
        if (w <= 0) throw std::runtime_error("phone worker " + std::to_string(worker) + " is gone");
        done += static_cast<std::size_t>(w);
    }
}

void WorkerPool::send_all(const std::string& line) {
    for (std::size_t w = 0; w < fds_.size(); ++w) send(w, line);
}

std::vector<std::string> WorkerPool::collect(const std::string& verb, std::chrono::milliseconds timeout,
                                             const Progress& on_progress) {
    std::vector<std::string> replies(fds_.size());
    std::vector<bool> have(fds_.size(), false);
    std::size_t missing = fds_.size();
    // Replies that came while another was awaited (a positions run ending during a latency probe) wait in unread_.
    for (std::size_t w = 0; w < fds_.size(); ++w) {
        for (auto it = unread_[w].begin(); it != unread_[w].end(); ++it) {
            if (it->rfind(verb, 0) == 0) {
                replies[w] = std::move(*it);
                unread_[w].erase(it);
                have[w] = true;
                --missing;
                break;
            }
        }
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (missing > 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw std::runtime_error("phone workers did not answer '" + verb + "' in time");
        std::vector<pollfd> pfds;
        for (int fd : fds_) pfds.push_back(pollfd{fd, POLLIN, 0});
        if (poll(pfds.data(), pfds.size(), static_cast<int>(std::min<long long>(left.count(), 200))) < 0) continue;
        for (std::size_t w = 0; w < fds_.size(); ++w) {
            if (!(pfds[w].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            const ssize_t r = read(fds_[w], buf, sizeof buf);
            if (r <= 0) throw std::runtime_error("phone worker " + std::to_string(w) + " died");
            buffers_[w].append(buf, static_cast<std::size_t>(r));
            std::size_t nl;
            while ((nl = buffers_[w].find('\n')) != std::string::npos) {
                std::string line = buffers_[w].substr(0, nl);
                buffers_[w].erase(0, nl + 1);
                if (line.rfind("progress ", 0) == 0) {
                    std::istringstream in(line.substr(9));
                    in >> progress_connected_[w] >> progress_positions_[w];
                    if (on_progress) {
                        std::int64_t c = 0, p = 0;
                        for (std::size_t i = 0; i < fds_.size(); ++i) {
                            c += progress_connected_[i];
                            p += progress_positions_[i];
                        }
                        on_progress(c, p);
                    }
                    continue;
                }
                if (!have[w] && line.rfind(verb, 0) == 0) {
                    replies[w] = std::move(line);
                    have[w] = true;
                    --missing;
                } else {
                    unread_[w].push_back(std::move(line));
                }
            }
        }
    }
    return replies;
}

std::vector<std::string> WorkerPool::ask_all(const std::string& line, std::chrono::milliseconds timeout) {
    send_all(line);
    std::istringstream in(line);
    std::string verb;
    in >> verb;
    const std::string expected = verb == "close" ? "closed" : verb;
    return collect(expected, timeout);
}

std::int64_t WorkerPool::cpu_ns() const {
    return load::cpu_ns(pids_);
}

}  // namespace yihu::bench::load
