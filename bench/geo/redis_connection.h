#pragma once

#include <hiredis.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace yihu::bench {

struct RedisReplyDeleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// One synchronous hiredis connection. Every failure (connection lost, error reply) throws std::runtime_error: the
// benchmark cannot go on without its server, and the server process is stopped by its owner's destructor.
class RedisConnection {
  public:
    // Throws if it cannot connect within `timeout`.
    static RedisConnection connect(const std::string& host, int port, std::chrono::milliseconds timeout);
    // Like connect() but returns null instead of throwing (for polling a server that is starting).
    static std::unique_ptr<RedisConnection> try_connect(const std::string& host, int port,
                                                        std::chrono::milliseconds timeout);

    // hiredis printf-like formatting (%s, %b, %d, %f ...). Throws on a lost connection or an error reply.
    RedisReply command(const char* format, ...);
    // Queues a command without waiting (pipelining); collect its reply with get_reply().
    void append(int argc, const char** argv, const std::size_t* argv_len);
    RedisReply get_reply();

  private:
    struct ContextDeleter {
        void operator()(redisContext* c) const { redisFree(c); }
    };
    explicit RedisConnection(redisContext* c) : context_(c) {}
    RedisReply checked(void* reply, const char* what);

    std::unique_ptr<redisContext, ContextDeleter> context_;
};

}  // namespace yihu::bench
