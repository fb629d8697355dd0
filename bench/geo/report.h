#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "result_row.h"

namespace yihu::bench {

// "812 ns", "1.93 us", "12.4 ms"; "-" for a figure that does not exist.
std::string format_ns(const std::optional<double>& ns);

// The table of one dataset: one line per measure and contender with ops, p50, p99, ns/op, and ns/op relative to
// yihu's ("x12" = twelve times yihu's time).
void print_table(std::ostream& out, const std::string& dataset, const std::vector<ResultRow>& rows);

}  // namespace yihu::bench
