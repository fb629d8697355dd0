#include "redis/redis_reply.h"

#include <charconv>

namespace yihu::redis {

std::uint64_t as_u64(const redisReply* r, std::uint64_t fallback) {
    if (r == nullptr) return fallback;
    if (r->type == REDIS_REPLY_INTEGER) return r->integer < 0 ? fallback : static_cast<std::uint64_t>(r->integer);
    if (r->type != REDIS_REPLY_STRING && r->type != REDIS_REPLY_STATUS) return fallback;
    std::uint64_t value = 0;
    const std::string_view s = text(r);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc{} && end == s.data() + s.size() ? value : fallback;
}

}  // namespace yihu::redis
