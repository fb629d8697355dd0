#include "net/rate_limiter.h"

#include <gtest/gtest.h>

namespace yihu::net {
namespace {

using namespace std::chrono_literals;

const SteadyTime kT0 = SteadyTime{} + 1000s;

TEST(TokenBucketTest, AllowsTheBurstThenRefusesWithTheWaitForOneToken) {
    TokenBucket bucket(RateLimit{.per_second = 2, .burst = 3}, kT0);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.take(kT0).allowed) << i;
    const RateDecision refused = bucket.take(kT0);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after, 500ms);  // 2 a second: one token every 500 ms
    EXPECT_FALSE(bucket.take(kT0 + 499ms).allowed);
    EXPECT_TRUE(bucket.take(kT0 + 500ms).allowed);
    EXPECT_FALSE(bucket.take(kT0 + 500ms).allowed);
}

TEST(TokenBucketTest, RefillsAtTheRateUpToTheBurstOnly) {
    TokenBucket bucket(RateLimit{.per_second = 10, .burst = 5}, kT0);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(bucket.take(kT0).allowed);
    EXPECT_FALSE(bucket.full(kT0));
    // An hour idle refills to 5, not to 36,000.
    const SteadyTime later = kT0 + 1h;
    EXPECT_TRUE(bucket.full(later));
    int allowed = 0;
    for (int i = 0; i < 100; ++i) allowed += bucket.take(later).allowed ? 1 : 0;
    EXPECT_EQ(allowed, 5);
}

TEST(TokenBucketTest, SteadyRateAtTheLimitIsNeverRefused) {
    TokenBucket bucket(RateLimit{.per_second = 4, .burst = 1}, kT0);
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(bucket.take(kT0 + i * 250ms).allowed) << i;
    EXPECT_FALSE(bucket.take(kT0 + 999 * 250ms + 100ms).allowed);
}

TEST(TokenBucketTest, ClockGoingBackwardsAddsNothing) {
    TokenBucket bucket(RateLimit{.per_second = 1, .burst = 1}, kT0);
    ASSERT_TRUE(bucket.take(kT0).allowed);
    EXPECT_FALSE(bucket.take(kT0 - 10s).allowed);
    EXPECT_FALSE(bucket.take(kT0 + 500ms).allowed);
    EXPECT_TRUE(bucket.take(kT0 + 1s).allowed);
}

TEST(TokenBucketTest, DisabledLimitAllowsEverything) {
    TokenBucket bucket(RateLimit{}, kT0);
    for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(bucket.take(kT0).allowed);
}

TEST(TokenBucketTest, ZeroBurstActsAsOne) {
    TokenBucket bucket(RateLimit{.per_second = 1, .burst = 0}, kT0);
    EXPECT_TRUE(bucket.take(kT0).allowed);
    EXPECT_FALSE(bucket.take(kT0).allowed);
}

TEST(KeyedRateLimiterTest, KeysHaveTheirOwnBuckets) {
    KeyedRateLimiter limiter(RateLimit{.per_second = 1, .burst = 2}, 100);
    EXPECT_TRUE(limiter.take("a", kT0).allowed);
    EXPECT_TRUE(limiter.take("a", kT0).allowed);
    EXPECT_FALSE(limiter.take("a", kT0).allowed);
    EXPECT_TRUE(limiter.take("b", kT0).allowed);
    EXPECT_TRUE(limiter.take("a", kT0 + 1s).allowed);
    EXPECT_EQ(limiter.size(), 2u);
}

TEST(KeyedRateLimiterTest, FullTableDropsRefilledBucketsFirst) {
    KeyedRateLimiter limiter(RateLimit{.per_second = 1, .burst = 1}, 2);
    ASSERT_TRUE(limiter.take("a", kT0).allowed);
    ASSERT_TRUE(limiter.take("b", kT0).allowed);
    // Both still draining: "c" passes untracked, and "a" keeps its state.
    EXPECT_TRUE(limiter.take("c", kT0).allowed);
    EXPECT_EQ(limiter.untracked(), 1u);
    EXPECT_FALSE(limiter.take("a", kT0).allowed);
    // A second later both have refilled: they make room, and "c" is tracked from then on.
    EXPECT_TRUE(limiter.take("c", kT0 + 1s).allowed);
    EXPECT_FALSE(limiter.take("c", kT0 + 1s).allowed);
    EXPECT_EQ(limiter.size(), 1u);
}

TEST(KeyedRateLimiterTest, DisabledLimitTracksNothing) {
    KeyedRateLimiter limiter(RateLimit{}, 10);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.take(std::to_string(i), kT0).allowed);
    EXPECT_EQ(limiter.size(), 0u);
}

}  // namespace
}  // namespace yihu::net
