#include "redis/redis_sync.h"

#include <hiredis.h>
#include <sys/time.h>

namespace yihu::redis {

namespace {

timeval to_timeval(std::chrono::milliseconds d) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(d.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
    return tv;
}

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
    if (context_ != nullptr) return core::Status::Ok();
    context_ = redisConnectWithTimeout(address_.host.c_str(), address_.port, to_timeval(timeout_));
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
    return core::Status::Ok();
}

core::Result<Reply> SyncConnection::command(const std::vector<std::string_view>& args) {
    if (core::Status s = ensure_connected(); !s) return s.error();
    ArgvView v(args);
    Reply r(static_cast<redisReply*>(redisCommandArgv(context_, v.count(), v.argv.data(), v.lengths.data())));
    if (!r) return lost("command failed");
    return r;
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
