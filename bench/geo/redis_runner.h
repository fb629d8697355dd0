#pragma once

#include <cstdint>
#include <vector>

#include "dataset.h"
#include "redis_contender.h"
#include "redis_server_stats.h"
#include "result_row.h"
#include "workload.h"

namespace yihu::bench {

// Times every measure on Redis and reports two rows per measure:
//   redis      the server's own time per call: p50 / p99 from SLOWLOG (every call logged; 1 us resolution) during
//              the pass timing each op, ns_per_op from INFO commandstats (usec / calls) over the tight loop;
//   redis_rtt  the round trip the client sees (format, send, server, receive, parse), timed like local contenders.
std::vector<ResultRow> run_redis_measures(RedisContender& c, RedisServerStats& stats, const Dataset& data,
                                          const Workload& w, bool quick, std::int64_t timer_overhead);

}  // namespace yihu::bench
