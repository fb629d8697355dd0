#pragma once

namespace yihu::api {

// The hub thread's name as the kernel shows it (/proc/<pid>/task/<tid>/comm, at most 15 characters), so that tools
// (top -H, perf, the load benchmark's per-thread CPU) can tell the hub from the I/O threads.
inline constexpr const char* kHubThreadName = "yihu-hub";

}  // namespace yihu::api
