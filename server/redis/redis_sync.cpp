#include "redis/redis_sync.h"

#include <hiredis.h>
#include <poll.h>
#include <sys/socket.h>

#include "redis/redis_sentinel.h"
#include "redis/redis_timeval.h"

namespace yihu::redis {

namespace {

// hiredis wants parallel arrays of pointers and lengths.
struct ArgvView {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    explicit ArgvView(const std::vector<std::string_view>& args) {
        argv.reserve(args.size());
        lengths.reserve(args.size());
        for (std::string_view a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
    }
    int count() const { return static_cast<int>(argv.size()); }
};

// Whether an idle connection can no longer carry a command: the server closed it (a restart, a timeout, a kill)
// or sent something unasked (an error before closing). Between calls nothing is in flight on a synchronous
// connection, so anything readable now means the connection is finished, and making a new one is safe: no
// command can have been half sent. Without this check, the first write after a Redis restart fails on the old
// socket although Redis is back.
bool finished(const redisContext* context) {
    pollfd p{.fd = context->fd, .events = POLLIN | POLLRDHUP, .revents = 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    return (p.revents & (POLLIN | POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace

SyncConnection::SyncConnection(RedisAddress address, std::chrono::milliseconds timeout)
    : address_(std::move(address)), timeout_(timeout) {}

SyncConnection::~SyncConnection() {
    if (context_ != nullptr) redisFree(context_);
}

core::Error SyncConnection::lost(std::string_view what) {
    std::string message = "redis ";
    message += address_.describe();
    message += ": ";
    message += what;
    if (context_ != nullptr) {
        if (context_->errstr[0] != '\0') {
            message += ": ";
            message += context_->errstr;
        }
        redisFree(context_);
        context_ = nullptr;
    }
    return core::make_error(core::ErrorCode::kUnavailable, std::move(message));
}

core::Status SyncConnection::ensure_connected() {
    if (context_ != nullptr && finished(context_)) {
        redisFree(context_);
        context_ = nullptr;
    }
    if (context_ != nullptr) return core::Status::Ok();
    HostPort server{address_.host, address_.port};
    if (address_.via_sentinel()) {
        auto master = resolve_master(address_, timeout_);
        if (!master) return master.error();
        server = std::move(*master);
    }
    context_ = redisConnectWithTimeout(server.host.c_str(), server.port, to_timeval(timeout_));
    if (context_ == nullptr) return lost("cannot allocate a context");
    if (context_->err != 0) return lost("cannot connect");
    if (redisSetTimeout(context_, to_timeval(timeout_)) != REDIS_OK) return lost("cannot set the timeout");

    auto setup = [&](const std::vector<std::string_view>& args, std::string_view what) -> core::Status {
        ArgvView v(args);
        Reply r(static_cast<redisReply*>(redisCommandArgv(context_, v.count(), v.argv.data(), v.lengths.data())));
        if (!r) return lost(what);
        if (r->type == REDIS_REPLY_ERROR) {
            std::string message(what);
            message += ": ";
            message += text(r.get());
            return lost(message);
        }
        return core::Status::Ok();
    };
    if (!address_.password.empty()) {
        std::vector<std::string_view> auth = {"AUTH"};
        if (!address_.user.empty()) auth.push_back(address_.user);
        auth.push_back(address_.password);
        if (core::Status s = setup(auth, "AUTH failed"); !s) return s;
    }
    if (address_.db != 0) {
        const std::string db = std::to_string(address_.db);
        if (core::Status s = setup({"SELECT", db}, "SELECT failed"); !s) return s;
    }
    if (address_.via_sentinel()) {
        Reply role(static_cast<redisReply*>(redisCommand(context_, "ROLE")));
        if (!role) return lost("ROLE failed");
        if (!is_master_role(role.get())) {
            return lost("the sentinels named " + server.host + ':' + std::to_string(server.port) +
                        ", which is not a master (a failover is under way)");
        }
    }
    return core::Status::Ok();
}

core::Result<Reply> SyncConnection::command(const std::vector<std::string_view>& args) {
    if (core::Status s = ensure_connected(); !s) return s.error();
    ArgvView v(args);
    Reply r(static_cast<redisReply*>(redisCommandArgv(context_, v.count(), v.argv.data(), v.lengths.data())));
    if (!r) return lost("command failed");
    // A master demoted by a failover: the next call finds the new one (through the sentinels, or at the same
    // address when it moves). The reply stays an error reply for the caller.
    if (is_error(r.get()) && text(r.get()).starts_with("READONLY")) {
        redisFree(context_);
        context_ = nullptr;
    }
    return r;
}

core::Result<std::uint64_t> SyncConnection::replicas_with_writes(int replicas, std::chrono::milliseconds timeout) {
    core::Result<Reply> reply =
        require_ok(command({"WAIT", std::to_string(replicas), std::to_string(timeout.count())}), "WAIT");
    if (!reply) return reply.error();
    return as_u64(reply->get());
}

core::Status SyncConnection::wait_for_replicas(int replicas, std::chrono::milliseconds timeout) {
    if (replicas <= 0) return core::Status::Ok();
    const std::string want = std::to_string(replicas);
    const std::string ms = std::to_string(timeout.count());
    core::Result<std::uint64_t> acknowledged = replicas_with_writes(replicas, timeout);
    if (!acknowledged) return acknowledged.error();
    if (*acknowledged >= static_cast<std::uint64_t>(replicas)) return core::Status::Ok();
    const std::uint64_t count = *acknowledged;
    return core::make_error(core::ErrorCode::kUnavailable, "redis " + address_.describe() + ": " +
                                                               std::to_string(count) + " of " + want +
                                                               " replicas had the write after " + ms + " ms");
}

core::Result<std::vector<Reply>> SyncConnection::pipeline(const std::vector<std::vector<std::string_view>>& commands) {
    if (core::Status s = ensure_connected(); !s) return s.error();
    for (const auto& args : commands) {
        ArgvView v(args);
        if (redisAppendCommandArgv(context_, v.count(), v.argv.data(), v.lengths.data()) != REDIS_OK) {
            return lost("cannot queue a command");
        }
    }
    std::vector<Reply> replies;
    replies.reserve(commands.size());
    for (std::size_t i = 0; i < commands.size(); ++i) {
        void* raw = nullptr;
        if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return lost("pipeline failed");
        replies.emplace_back(static_cast<redisReply*>(raw));
    }
    return replies;
}

core::Result<Reply> SyncConnection::eval(Script& script, const std::vector<std::string_view>& argv) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (script.sha.empty()) {
            core::Result<Reply> loaded = require_ok(command({"SCRIPT", "LOAD", script.source}), script.name);
            if (!loaded) return loaded.error();
            script.sha = std::string(text(loaded->get()));
        }
        std::vector<std::string_view> args = {"EVALSHA", script.sha, "0"};
        args.insert(args.end(), argv.begin(), argv.end());
        core::Result<Reply> reply = command(args);
        if (!reply) return reply;
        if (is_error(reply->get()) && text(reply->get()).starts_with("NOSCRIPT")) {
            script.sha.clear();  // Redis restarted (or SCRIPT FLUSH): load it again
            continue;
        }
        return reply;
    }
    return core::make_error(core::ErrorCode::kUnavailable, std::string(script.name) + ": redis keeps forgetting it");
}

core::Result<Reply> require_ok(core::Result<Reply> reply, std::string_view what) {
    if (!reply) return reply;
    if (!is_error(reply->get())) return reply;
    const std::string_view error = text(reply->get());
    std::string message(what);
    message += ": ";
    message += error;
    return core::make_error(error.starts_with("CONFLICT") ? core::ErrorCode::kConflict : core::ErrorCode::kUnavailable,
                            std::move(message));
}

}  // namespace yihu::redis
