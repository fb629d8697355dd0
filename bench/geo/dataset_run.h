#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <vector>

#include "distribution.h"
#include "redis_connection.h"
#include "result_row.h"

namespace yihu::bench {

struct DatasetRunSettings {
    bool quick = false;
    double cell_deg = 0;
    std::uint64_t seed = 0;
    std::int64_t timer_overhead_ns = 0;
    RedisConnection* redis = nullptr;  // null: no redis contender
};

struct DatasetOutcome {
    std::vector<ResultRow> rows;
    bool checks_passed = false;  // false: no timing was done
    boost::json::object conditions;
};

// One dataset from start to end: generate volunteers and inputs, load every contender, cross-check them against
// yihu, time every measure, print the table.
DatasetOutcome run_dataset(std::size_t size, Distribution distribution, const DatasetRunSettings& settings,
                           std::ostream& out);

}  // namespace yihu::bench
