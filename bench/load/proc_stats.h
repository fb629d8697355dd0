#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace yihu::bench::load {

// Resident memory of a process (VmRSS of /proc/<pid>/status) in KiB; 0 when it cannot be read.
std::int64_t rss_kib(pid_t pid);
// Summed over processes (the nodes of a cluster).
std::int64_t rss_kib(const std::vector<pid_t>& pids);

// CPU time a process has used so far, all its live threads, in nanoseconds: the sum of /proc/<pid>/task/*/schedstat
// (nanosecond resolution), or user + system of /proc/<pid>/stat (10 ms ticks) where schedstat is missing. Threads that
// have exited drop out of the first, so measure across intervals in which the process keeps its threads.
std::int64_t cpu_ns(pid_t pid);
std::int64_t cpu_ns(const std::vector<pid_t>& pids);
// The same for the threads named `thread_name` only (/proc/<pid>/task/*/comm), from schedstat; 0 if none.
std::int64_t thread_cpu_ns(pid_t pid, const std::string& thread_name);

// The first three fields of /proc/loadavg ("1.20 0.80 0.41"): other work sharing the machine during a run.
std::string loadavg();

// Raises RLIMIT_NOFILE's soft limit to the hard limit and returns it. Children inherit it.
std::int64_t raise_open_files_limit();

}  // namespace yihu::bench::load
