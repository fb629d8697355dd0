#include "redis_connection.h"

#include <cstdarg>
#include <stdexcept>

namespace yihu::bench {

std::unique_ptr<RedisConnection> RedisConnection::try_connect(const std::string& host, int port,
                                                              std::chrono::milliseconds timeout) {
    const timeval tv{static_cast<time_t>(timeout.count() / 1000),
                     static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    redisContext* c = redisConnectWithTimeout(host.c_str(), port, tv);
    if (c == nullptr) return nullptr;
    if (c->err != 0) {
        redisFree(c);
        return nullptr;
    }
    return std::unique_ptr<RedisConnection>(new RedisConnection(c));
}

RedisConnection RedisConnection::connect(const std::string& host, int port, std::chrono::milliseconds timeout) {
    auto c = try_connect(host, port, timeout);
    if (!c) throw std::runtime_error("cannot connect to redis at " + host + ":" + std::to_string(port));
    return std::move(*c);
}

RedisReply RedisConnection::checked(void* raw, const char* what) {
    RedisReply reply(static_cast<redisReply*>(raw));
    if (!reply) throw std::runtime_error(std::string("redis ") + what + ": " + context_->errstr);
    if (reply->type == REDIS_REPLY_ERROR)
        throw std::runtime_error(std::string("redis ") + what + ": " + std::string(reply->str, reply->len));
    return reply;
}

RedisReply RedisConnection::command(const char* format, ...) {
    va_list args;
    va_start(args, format);
    void* raw = redisvCommand(context_.get(), format, args);
    va_end(args);
    return checked(raw, format);
}

void RedisConnection::append(int argc, const char** argv, const std::size_t* argv_len) {
    if (redisAppendCommandArgv(context_.get(), argc, argv, argv_len) != REDIS_OK)
        throw std::runtime_error(std::string("redis append: ") + context_->errstr);
}

RedisReply RedisConnection::get_reply() {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK)
        throw std::runtime_error(std::string("redis reply: ") + context_->errstr);
    return checked(raw, "pipelined command");
}

}  // namespace yihu::bench
