#pragma once

// Rate decisions for hostile or careless clients: pure logic, the time passed in, no I/O (tests drive it with a
// made-up clock). Used on the I/O side, so a flood is refused before the hub pays for it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace yihu::net {

using SteadyTime = std::chrono::steady_clock::time_point;

// `per_second` events on average, up to `burst` at once. per_second == 0: no limit.
struct RateLimit {
    std::uint32_t per_second = 0;
    std::uint32_t burst = 0;  // at least 1 when per_second > 0 (a smaller value is treated as 1)
    bool enabled() const { return per_second > 0; }
};

struct RateDecision {
    bool allowed = true;
    // When refused: how long until one event will be allowed again (at least 1 ms).
    std::chrono::milliseconds retry_after{0};
};

// A token bucket: starts full with `burst` tokens, gains `per_second` tokens a second up to `burst`; each allowed
// event takes one. Not thread-safe: one owner (a connection's strand) or a lock around it.
class TokenBucket {
  public:
    TokenBucket(RateLimit limit, SteadyTime now);

    // Takes one token if there is one. A clock that goes backwards adds nothing.
    RateDecision take(SteadyTime now);
    // True when the bucket has refilled to `burst`: it then remembers nothing a fresh one would not.
    bool full(SteadyTime now) const;

  private:
    double level(SteadyTime now) const;

    RateLimit limit_;
    double tokens_;
    SteadyTime last_;
};

// A token bucket per key (a client address, a bearer token), thread-safe. The table is bounded: when it reaches
// `max_keys`, buckets that have refilled are dropped; when every bucket is still draining, a new key is allowed
// without being tracked (counted in untracked()), so a spray of keys cannot grow memory or lock out everyone.
class KeyedRateLimiter {
  public:
    KeyedRateLimiter(RateLimit limit, std::size_t max_keys);

    RateDecision take(std::string_view key, SteadyTime now);
    bool enabled() const { return limit_.enabled(); }
    std::size_t size() const;
    std::uint64_t untracked() const;

  private:
    void sweep(SteadyTime now);  // with mutex_ held

    const RateLimit limit_;
    const std::size_t max_keys_;
    mutable std::mutex mutex_;  // held for one map lookup per decision
    std::unordered_map<std::string, TokenBucket> buckets_;
    std::uint64_t untracked_ = 0;
};

}  // namespace yihu::net
