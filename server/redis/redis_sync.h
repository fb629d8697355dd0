#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "redis/redis_address.h"
#include "redis/redis_reply.h"

struct redisContext;

namespace yihu::redis {

// A Lua script run with EVALSHA, loaded on first use (and again after a Redis restart forgets it).
struct Script {
    std::string_view name;    // for error messages
    std::string_view source;  // Lua
    std::string sha;          // filled by the connection
};

// One blocking Redis connection with a timeout on every call, for a thread that may block: the hub thread, whose
// store commits must finish before it replies (as the SQLite store's fsync does). Never used on an I/O thread; those
// use AsyncConnection. Not thread-safe.
//
// A connection that failed is dropped and made afresh on the next call (hiredis cannot reuse a failed context), and
// an idle connection the server closed meanwhile is noticed before a call is sent on it, so a Redis restart costs
// the calls made while it was down, and nothing after. With sentinels in the address, every
// new connection asks them where the master is and checks its ROLE; a READONLY reply (a demoted master) also drops
// the connection.
class SyncConnection {
  public:
    SyncConnection(RedisAddress address, std::chrono::milliseconds timeout);
    ~SyncConnection();
    SyncConnection(const SyncConnection&) = delete;
    SyncConnection& operator=(const SyncConnection&) = delete;

    // Sends one command and waits for its reply. An error reply from Redis is a value (the caller decides what it
    // means); a transport failure (cannot connect, timeout, connection lost) is a kUnavailable error.
    core::Result<Reply> command(const std::vector<std::string_view>& args);
    // Sends every command, then reads every reply (one round trip).
    core::Result<std::vector<Reply>> pipeline(const std::vector<std::vector<std::string_view>>& commands);
    // EVALSHA with no KEYS; loads the script when Redis does not know it.
    core::Result<Reply> eval(Script& script, const std::vector<std::string_view>& argv);
    // WAIT: Ok once `replicas` replicas have every write this connection made, kUnavailable when fewer had it after
    // `timeout` (the writes stay on the master: they may or may not outlive it). Ok at once when replicas <= 0.
    core::Status wait_for_replicas(int replicas, std::chrono::milliseconds timeout);
    // WAIT itself: how many replicas have every write this connection made, after waiting at most `timeout` for
    // `replicas` of them; an error only when Redis did not answer.
    core::Result<std::uint64_t> replicas_with_writes(int replicas, std::chrono::milliseconds timeout);

    const RedisAddress& address() const { return address_; }

  private:
    core::Status ensure_connected();
    core::Error lost(std::string_view what);

    RedisAddress address_;
    std::chrono::milliseconds timeout_;
    redisContext* context_ = nullptr;
};

// Turns an error reply into an error (kUnavailable, or kConflict when the reply starts with "CONFLICT"), keeping the
// reply otherwise.
core::Result<Reply> require_ok(core::Result<Reply> reply, std::string_view what);

}  // namespace yihu::redis
