#pragma once

#include <hiredis.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace yihu::redis {

struct ReplyDeleter {
    void operator()(redisReply* r) const {
        if (r != nullptr) freeReplyObject(r);
    }
};
// An owned reply from a synchronous context (async replies belong to hiredis and are only borrowed).
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Reading replies without repeating hiredis's type checks everywhere. All take a possibly null pointer.
inline bool is_error(const redisReply* r) {
    return r == nullptr || r->type == REDIS_REPLY_ERROR;
}
inline std::string_view text(const redisReply* r) {
    if (r == nullptr || r->str == nullptr) return {};
    return {r->str, r->len};
}
// A bulk or status string; nullopt for nil (a missing key or field).
inline std::optional<std::string> optional_string(const redisReply* r) {
    if (r == nullptr || r->type == REDIS_REPLY_NIL) return std::nullopt;
    return std::string(text(r));
}
// An integer reply, or a bulk string holding a decimal number; `fallback` for nil or anything else.
std::uint64_t as_u64(const redisReply* r, std::uint64_t fallback = 0);
inline std::size_t element_count(const redisReply* r) {
    return r != nullptr && r->type == REDIS_REPLY_ARRAY ? r->elements : 0;
}
inline const redisReply* element(const redisReply* r, std::size_t i) {
    return i < element_count(r) ? r->element[i] : nullptr;
}

}  // namespace yihu::redis
