#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "progress_line.h"
#include "worker_pool.h"

namespace yihu::bench::load {

// What the phones saw of one message (an alert, a close notice, a broadcast), summed over every worker.
struct Arrival {
    std::int64_t count = 0;     // phones that got it
    std::int64_t dups = 0;      // copies beyond the first, over all phones
    std::int64_t first_ns = 0;  // CLOCK_MONOTONIC of the first and last arrival; 0 when none
    std::int64_t last_ns = 0;
    std::int64_t payload_bytes = 0;  // the message's size as the phone read it (WebSocket payload)
};
Arrival arrivals(WorkerPool& pool, const std::string& key);
// Polls until `at_least` phones have it or `timeout` passes; returns what arrived either way.
Arrival wait_for(WorkerPool& pool, const std::string& key, std::int64_t at_least, std::chrono::milliseconds timeout);

struct ConnectFigures {
    std::int64_t ok = 0, failed = 0;
    double seconds = 0, per_second = 0;  // from the command to the last completed handshake
    std::int64_t rss_before_kib = 0, rss_after_kib = 0;
    double kib_per_connection = 0;  // (after - before) / ok, measured once the connections are idle
};
// Opens `phones` connections to 127.0.0.1 spread over the workers, phone i to ports[i mod ports.size()] (the nodes of
// a cluster); `target` is "yihu" (volunteer protocol up to its Welcome), "node" (WebSocket upgrade) or "raw" (TCP).
// `servers` are the processes whose memory is measured (summed).
ConnectFigures connect_phones(WorkerPool& pool, const std::string& target, const std::vector<std::uint16_t>& ports,
                              std::size_t phones, std::size_t raw_size, const std::vector<pid_t>& servers,
                              ProgressLine& progress);
// Resets every phone socket of every worker.
void close_phones(WorkerPool& pool);

// Sums "counts" over the workers: open sockets, sockets the peer closed, protocol or socket errors.
struct FleetCounts {
    std::int64_t open = 0, closed_by_peer = 0, errors = 0, pushes = 0, acks = 0;
};
FleetCounts fleet_counts(WorkerPool& pool);

}  // namespace yihu::bench::load
