#include "federation/cap_time.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace yihu::federation {

namespace {

bool read_int(std::string_view text, std::size_t at, std::size_t width, int& out) {
    if (at + width > text.size()) return false;
    for (std::size_t i = at; i < at + width; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
    }
    return std::from_chars(text.data() + at, text.data() + at + width, out).ec == std::errc{};
}

}  // namespace

core::Result<core::Time> parse_cap_time(std::string_view text) {
    auto bad = [&] {
        std::string message = "'";
        message.append(text.substr(0, 40));
        message += "' is not a CAP time (YYYY-MM-DDThh:mm:ss+hh:mm)";
        return core::make_error(core::ErrorCode::kInvalidArgument, std::move(message));
    };
    // 0123456789012345678901234
    // 2024-07-02T20:10:00-00:00
    if (text.size() != 25 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
        text[16] != ':' || (text[19] != '+' && text[19] != '-') || text[22] != ':') {
        return bad();
    }
    int y, mo, d, h, mi, s, oh, om;
    if (!read_int(text, 0, 4, y) || !read_int(text, 5, 2, mo) || !read_int(text, 8, 2, d) ||
        !read_int(text, 11, 2, h) || !read_int(text, 14, 2, mi) || !read_int(text, 17, 2, s) ||
        !read_int(text, 20, 2, oh) || !read_int(text, 23, 2, om)) {
        return bad();
    }
    const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                           std::chrono::day{static_cast<unsigned>(d)}};
    if (!date.ok() || h > 23 || mi > 59 || s > 60 || oh > 23 || om > 59) return bad();
    using namespace std::chrono;
    const int sign = text[19] == '-' ? -1 : 1;
    const auto local = sys_days{date} + hours{h} + minutes{mi} + seconds{s};
    const auto utc = local - sign * (hours{oh} + minutes{om});
    return core::Time{duration_cast<core::Duration>(utc.time_since_epoch())};
}

std::string format_cap_time(core::Time t) {
    using namespace std::chrono;
    const auto secs = floor<seconds>(t);
    const auto day = floor<days>(secs);
    const year_month_day ymd{day};
    const hh_mm_ss hms{secs - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+00:00", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

}  // namespace yihu::federation
