#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace yihu::bench::load {

// Resident memory of a process (VmRSS of /proc/<pid>/status) in KiB; 0 when it cannot be read.
std::int64_t rss_kib(pid_t pid);

// CPU time a process has used so far, user + system, all threads (/proc/<pid>/stat), in nanoseconds. The kernel counts
// in clock ticks (10 ms), so callers measure over seconds, not milliseconds.
std::int64_t cpu_ns(pid_t pid);

// The first three fields of /proc/loadavg ("1.20 0.80 0.41"): other work sharing the machine during a run.
std::string loadavg();

// Raises RLIMIT_NOFILE's soft limit to the hard limit and returns it. Children inherit it.
std::int64_t raise_open_files_limit();

}  // namespace yihu::bench::load
