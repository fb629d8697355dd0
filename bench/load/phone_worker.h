#pragma once

#include <string>

namespace yihu::bench::load {

// One worker process of simulated phones: thousands of non-blocking sockets on one epoll loop, speaking the
// volunteer protocol to yihu (protobuf frames: Hello, positions, acks), plain WebSocket to the Node.js server, or
// nothing at all to the raw loopback server. Every arrival is stamped with CLOCK_MONOTONIC, which all processes of the
// machine share, so the coordinator compares it with the instant it sent a request.
//
// Commands arrive as text lines on `control_fd`; each gets one reply line (see worker_pool.h for the protocol).
// Returns the process's exit code when told to quit or when the coordinator goes away.
int run_phone_worker(int control_fd, const std::string& secret);

}  // namespace yihu::bench::load
