#pragma once

#include <cstdint>

#include "core/time.h"

namespace yihu::core {

// A volunteer's daily quiet window in their local time, e.g. 23:00-07:00 at UTC+8. Non-urgent alerts are held back
// inside it and delivered when it ends if the alert still concerns them.
struct QuietHours {
    int start_minute = 0;          // minutes after local midnight, 0..1439
    int end_minute = 0;            // exclusive; may be before start (the window spans midnight)
    int utc_offset_minutes = 480;  // China Standard Time

    bool empty() const { return start_minute == end_minute; }

    // Minute of the local day at `t`.
    int local_minute(Time t) const {
        const std::int64_t minutes = to_ms(t) / 60'000 + utc_offset_minutes;
        return static_cast<int>(((minutes % 1440) + 1440) % 1440);
    }

    bool contains(Time t) const {
        if (empty()) return false;
        const int m = local_minute(t);
        return start_minute < end_minute ? (m >= start_minute && m < end_minute)
                                         : (m >= start_minute || m < end_minute);
    }

    // The first instant at or after `t` outside the window (t itself if outside).
    Time end_after(Time t) const {
        if (!contains(t)) return t;
        const int m = local_minute(t);
        const int wait = ((end_minute - m) % 1440 + 1440) % 1440;
        const std::int64_t minute_start_ms = to_ms(t) - (to_ms(t) % 60'000 + 60'000) % 60'000;
        return time_from_ms(minute_start_ms + std::int64_t{wait} * 60'000);
    }
};

}  // namespace yihu::core
