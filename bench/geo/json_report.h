#pragma once

#include <string>
#include <vector>

#include "conditions.h"
#include "result_row.h"
#include "targets.h"

namespace yihu::bench {

// Writes {"results": [{"contender", "dataset", "measure", "p50_ns", "p99_ns", "ns_per_op", "ops"}, ...],
// "conditions": {...}, "targets": [...]}, one result per line; figures that do not exist are null.
// Throws std::runtime_error if the file cannot be written.
void write_json(const std::string& path, const std::vector<ResultRow>& rows, const Conditions& conditions,
                const std::vector<TargetCheck>& targets);

}  // namespace yihu::bench
