#include "ops/units.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace yihu::ops {

namespace {

struct Unit {
    std::string_view suffix;
    std::uint64_t factor;
};

// Largest first, so formatting picks the biggest unit that divides the value exactly.
constexpr std::array<Unit, 5> kDurationUnits{
    {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};
constexpr std::array<Unit, 4> kSizeUnits{{{"GiB", 1ull << 30}, {"MiB", 1ull << 20}, {"KiB", 1ull << 10}, {"B", 1}}};

// Splits "64KiB" into 64 and "KiB". False if there is no leading number or it overflows.
bool split_number(std::string_view text, std::uint64_t& number, std::string_view& suffix) {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, number);
    if (ec != std::errc{} || ptr == text.data()) return false;
    suffix = std::string_view(ptr, static_cast<std::size_t>(end - ptr));
    return true;
}

// 'text' built by appending: GCC 12 at -O3 raises a false -Wrestrict on `"'" + std::string(text)`.
std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out.append(1, '\'').append(text).append(1, '\'');
    return out;
}

bool scale(std::uint64_t number, std::uint64_t factor, std::uint64_t limit, std::uint64_t& out) {
    if (number > limit / factor) return false;
    out = number * factor;
    return true;
}

}  // namespace

core::Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
    const auto bad = [&](std::string_view why) {
        return core::make_error(core::ErrorCode::kInvalidArgument,
                                quoted(text) + " is not a duration (" + std::string(why) +
                                    "; write a whole number and a unit: ms, s, m, h or d, e.g. 250ms, 10s, 5m, 72h)");
    };
    std::uint64_t number = 0;
    std::string_view suffix;
    if (!split_number(text, number, suffix)) return bad("no number");
    if (suffix.empty()) return bad("no unit");
    for (const Unit& unit : kDurationUnits) {
        if (suffix != unit.suffix) continue;
        std::uint64_t ms = 0;
        if (!scale(number, unit.factor, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()), ms)) {
            return bad("too large");
        }
        return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
    }
    return bad("unknown unit '" + std::string(suffix) + "'");
}

core::Result<std::size_t> parse_size(std::string_view text) {
    const auto bad = [&](std::string_view why) {
        return core::make_error(core::ErrorCode::kInvalidArgument,
                                quoted(text) + " is not a size (" + std::string(why) +
                                    "; write bytes as a whole number, optionally with B, KiB, MiB or GiB, e.g. 512, "
                                    "64KiB, 4MiB)");
    };
    std::uint64_t number = 0;
    std::string_view suffix;
    if (!split_number(text, number, suffix)) return bad("no number");
    if (suffix.empty()) suffix = "B";
    for (const Unit& unit : kSizeUnits) {
        if (suffix != unit.suffix) continue;
        std::uint64_t bytes = 0;
        if (!scale(number, unit.factor, std::numeric_limits<std::size_t>::max(), bytes)) return bad("too large");
        return static_cast<std::size_t>(bytes);
    }
    return bad("unknown unit '" + std::string(suffix) + "'");
}

std::string format_duration(std::chrono::milliseconds d) {
    const std::int64_t ms = d.count();
    if (ms <= 0) return std::to_string(ms) + "ms";  // not valid configuration, but describe() must still show it
    // From hours down: "72h" reads better than "3d" and is how the documentation writes retention.
    for (const Unit& unit : kDurationUnits) {
        if (unit.suffix == "d") continue;
        const auto factor = static_cast<std::int64_t>(unit.factor);
        if (ms % factor == 0) return std::to_string(ms / factor) + std::string(unit.suffix);
    }
    return std::to_string(ms) + "ms";
}

std::string format_size(std::size_t bytes) {
    if (bytes == 0) return "0B";
    for (const Unit& unit : kSizeUnits) {
        if (bytes % unit.factor == 0) return std::to_string(bytes / unit.factor) + std::string(unit.suffix);
    }
    return std::to_string(bytes) + "B";
}

}  // namespace yihu::ops
