// The memo of alert ids not in memory (api/hub/absent_alerts.h): bounded, and the "never given" rule exact.

#include "api/hub/absent_alerts.h"

#include <gtest/gtest.h>

namespace yihu::api {
namespace {

using Known = AbsentAlerts::Known;

TEST(AbsentAlertsTest, RemembersUpToItsCapacityAndTheOldestLeavesFirst) {
    AbsentAlerts memo(3);
    memo.remember("a", Known::kNever);
    memo.remember("b", Known::kClosed);
    memo.remember("c", Known::kNever);
    memo.remember("a", Known::kClosed);  // replaced in place: still the oldest
    EXPECT_EQ(memo.size(), 3u);
    EXPECT_EQ(memo.find("a"), Known::kClosed);
    memo.remember("d", Known::kNever);
    EXPECT_EQ(memo.size(), 3u);
    EXPECT_FALSE(memo.find("a").has_value());
    EXPECT_EQ(memo.find("b"), Known::kClosed);
    EXPECT_EQ(memo.find("d"), Known::kNever);
    memo.clear();
    EXPECT_EQ(memo.size(), 0u);
    EXPECT_FALSE(memo.find("b").has_value());
}

TEST(AbsentAlertsTest, NeverGivenOnlyForTheCitysOwnFormAboveTheHighestNumber) {
    EXPECT_TRUE(AbsentAlerts::never_given("laiwu-8", "laiwu", 7));
    EXPECT_TRUE(AbsentAlerts::never_given("laiwu-18446744073709551615", "laiwu", 7));
    EXPECT_FALSE(AbsentAlerts::never_given("laiwu-7", "laiwu", 7));
    EXPECT_FALSE(AbsentAlerts::never_given("laiwu-1", "laiwu", 7));
    // Not what std::to_string writes: maybe another alert's id, so the store is asked.
    EXPECT_FALSE(AbsentAlerts::never_given("laiwu-08", "laiwu", 7));
    EXPECT_FALSE(AbsentAlerts::never_given("laiwu-+8", "laiwu", 7));
    EXPECT_FALSE(AbsentAlerts::never_given("laiwu-8x", "laiwu", 7));
    EXPECT_FALSE(AbsentAlerts::never_given("laiwu-", "laiwu", 7));
    EXPECT_FALSE(AbsentAlerts::never_given("laiwu-99999999999999999999", "laiwu", 7));
    EXPECT_FALSE(AbsentAlerts::never_given("jinan-8", "laiwu", 7));
    EXPECT_FALSE(AbsentAlerts::never_given("laiwux-8", "laiwu", 7));
    // City "jinan-east": a peer "jinan" may have named an alert "jinan-east-8".
    EXPECT_FALSE(AbsentAlerts::never_given("jinan-east-8", "jinan-east", 7));
}

}  // namespace
}  // namespace yihu::api
