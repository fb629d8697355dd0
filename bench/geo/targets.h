#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "result_row.h"

namespace yihu::bench {

// One performance target checked on one dataset.
struct TargetCheck {
    enum class Status { kPass, kMiss, kSkip };

    std::string dataset;
    std::string target;  // what is required, e.g. "knn100_1km yihu p50 <= 2 us"
    Status status = Status::kSkip;
    std::string actual;  // the numbers, and by how much a MISS misses
};

// The targets, per dataset:
//   knn100_1km: yihu p50 <= 2 us, p99 <= 5 us, and >= 100x faster than Redis's server-side mean;
//   update_near: yihu p50 <= 100 ns and ns/op <= 100 ns, and >= 40x faster than Redis GEOADD's server-side mean;
//   roam_1000: yihu <= 2 x yihu's update_near (p50 and ns/op).
// Redis comparisons are SKIP when Redis did not run.
std::vector<TargetCheck> check_targets(const std::vector<ResultRow>& rows, const std::vector<std::string>& datasets);

void print_targets(std::ostream& out, const std::vector<TargetCheck>& checks);

std::string_view status_name(TargetCheck::Status s);

}  // namespace yihu::bench
