#include "redis/redis_sentinel.h"

#include <hiredis.h>

#include "redis/redis_timeval.h"

namespace yihu::redis {

namespace {

struct ContextDeleter {
    void operator()(redisContext* c) const {
        if (c != nullptr) redisFree(c);
    }
};

}  // namespace

core::Result<HostPort> resolve_master(const RedisAddress& address, std::chrono::milliseconds timeout) {
    std::string why;
    for (const HostPort& sentinel : address.sentinels) {
        if (!why.empty()) why += "; ";
        why += sentinel.host + ':' + std::to_string(sentinel.port) + ": ";
        std::unique_ptr<redisContext, ContextDeleter> c(
            redisConnectWithTimeout(sentinel.host.c_str(), sentinel.port, to_timeval(timeout)));
        if (c == nullptr || c->err != 0) {
            why += c != nullptr ? c->errstr : "out of memory";
            continue;
        }
        redisSetTimeout(c.get(), to_timeval(timeout));
        const char* argv[] = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", address.master_name.c_str()};
        const std::size_t lengths[] = {8, 23, address.master_name.size()};
        Reply reply(static_cast<redisReply*>(redisCommandArgv(c.get(), 3, argv, lengths)));
        if (!reply) {
            why += c->errstr;
            continue;
        }
        if (reply->type == REDIS_REPLY_ERROR) {
            why += text(reply.get());
            continue;
        }
        if (element_count(reply.get()) != 2) {
            why += "does not know master \"" + address.master_name + "\"";
            continue;
        }
        HostPort master{std::string(text(element(reply.get(), 0))), 0};
        const std::uint64_t port = as_u64(element(reply.get(), 1));
        if (master.host.empty() || port == 0 || port > 65535) {
            why += "answered an unreadable address";
            continue;
        }
        master.port = static_cast<std::uint16_t>(port);
        return master;
    }
    return core::make_error(core::ErrorCode::kUnavailable,
                            "no sentinel named the master \"" + address.master_name + "\": " + why);
}

bool is_master_role(const redisReply* role) {
    return text(element(role, 0)) == "master";
}

}  // namespace yihu::redis
