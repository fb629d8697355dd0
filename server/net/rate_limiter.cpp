#include "net/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace yihu::net {

namespace {

double burst_of(RateLimit limit) {
    return static_cast<double>(std::max<std::uint32_t>(limit.burst, 1));
}

}  // namespace

TokenBucket::TokenBucket(RateLimit limit, SteadyTime now) : limit_(limit), tokens_(burst_of(limit)), last_(now) {}

double TokenBucket::level(SteadyTime now) const {
    if (now <= last_) return tokens_;
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    return std::min(burst_of(limit_), tokens_ + elapsed * static_cast<double>(limit_.per_second));
}

RateDecision TokenBucket::take(SteadyTime now) {
    if (!limit_.enabled()) return {};
    tokens_ = level(now);
    if (now > last_) last_ = now;
    if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return {};
    }
    const double wait_ms = std::ceil((1.0 - tokens_) * 1000.0 / static_cast<double>(limit_.per_second));
    return RateDecision{false,
                        std::chrono::milliseconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(wait_ms)))};
}

bool TokenBucket::full(SteadyTime now) const {
    return level(now) >= burst_of(limit_);
}

KeyedRateLimiter::KeyedRateLimiter(RateLimit limit, std::size_t max_keys)
    : limit_(limit), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

RateDecision KeyedRateLimiter::take(std::string_view key, SteadyTime now) {
    if (!limit_.enabled()) return {};
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(std::string(key));
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_keys_) sweep(now);
        if (buckets_.size() >= max_keys_) {
            ++untracked_;
            return {};
        }
        it = buckets_.emplace(std::string(key), TokenBucket(limit_, now)).first;
    }
    return it->second.take(now);
}

void KeyedRateLimiter::sweep(SteadyTime now) {
    std::erase_if(buckets_, [now](const auto& entry) { return entry.second.full(now); });
}

std::size_t KeyedRateLimiter::size() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

std::uint64_t KeyedRateLimiter::untracked() const {
    std::lock_guard lock(mutex_);
    return untracked_;
}

}  // namespace yihu::net
