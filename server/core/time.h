#pragma once

#include <chrono>

namespace yihu::core {

// The core never reads a clock: every operation that depends on time takes `now` as a parameter, so tests drive
// time explicitly and the same inputs always give the same outputs.
using Duration = std::chrono::milliseconds;
using Time = std::chrono::sys_time<Duration>;

inline constexpr Time time_from_ms(std::int64_t ms) {
    return Time{Duration{ms}};
}
inline constexpr std::int64_t to_ms(Time t) {
    return t.time_since_epoch().count();
}

}  // namespace yihu::core
