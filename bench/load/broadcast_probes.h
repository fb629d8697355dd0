#pragma once

#include <cstddef>

#include "contender_servers.h"
#include "probe_figures.h"
#include "progress_line.h"
#include "raw_floor_server.h"
#include "worker_pool.h"

namespace yihu::bench::load {

// `rounds` broadcasts of `size` bytes to the `phones` connected through `pool`, each timed from the request to the
// Node.js server until the last phone read it.
FanoutFigures node_fanout(WorkerPool& pool, NodeServer& server, std::size_t phones, int rounds, std::size_t size,
                          ProgressLine& progress);

// The same from the raw loopback server: from its first write(2) until the last phone read the bytes.
FanoutFigures raw_fanout(WorkerPool& pool, RawFloorServer& server, std::size_t phones, int rounds, std::size_t size,
                         ProgressLine& progress);

}  // namespace yihu::bench::load
