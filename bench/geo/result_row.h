#pragma once

#include <string>

#include "latency_stats.h"

namespace yihu::bench {

// One line of the results: a contender's figures for one measure on one dataset.
struct ResultRow {
    std::string contender;  // yihu, bruteforce, boost_rtree, redis (server time), redis_rtt (client round trip)
    std::string dataset;
    std::string measure;
    LatencyStats stats;
};

}  // namespace yihu::bench
