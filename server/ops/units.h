#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace yihu::ops {

// Durations as operators write them: a whole number and one unit, "250ms", "10s", "5m", "72h", "7d". No sign, no
// fraction, no bare number (is "10" seconds or milliseconds?). kInvalidArgument names the text and the accepted form.
core::Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// Sizes in bytes: "512" or "512B", "64KiB", "4MiB", "1GiB" (binary units only: "4MB" is rejected rather than
// guessed at).
core::Result<std::size_t> parse_size(std::string_view text);

// Text that parse_duration / parse_size read back to the same value, in the largest unit that is exact (hours at
// most for durations): 600000ms -> "10m", 4194304 -> "4MiB".
std::string format_duration(std::chrono::milliseconds d);
std::string format_size(std::size_t bytes);

}  // namespace yihu::ops
