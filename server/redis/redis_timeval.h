#pragma once

#include <sys/time.h>

#include <chrono>

namespace yihu::redis {

// hiredis's blocking calls take their timeouts as a timeval.
inline timeval to_timeval(std::chrono::milliseconds d) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(d.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
    return tv;
}

}  // namespace yihu::redis
