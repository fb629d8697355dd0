#pragma once

#include <time.h>

#include <cstdint>

namespace yihu::bench::load {

// CLOCK_MONOTONIC in nanoseconds: one clock for every process of the machine, so a phone worker's arrival stamp and
// the coordinator's send stamp can be subtracted.
inline std::int64_t mono_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace yihu::bench::load
