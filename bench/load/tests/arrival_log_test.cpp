#include "arrival_log.h"

#include <gtest/gtest.h>

#include <vector>

namespace yihu::bench::load {
namespace {

TEST(ArrivalLog, CountsPhonesOnceAndFurtherCopiesAsDuplicates) {
    ArrivalLog log;
    std::vector<std::uint32_t> phone_a, phone_b;
    log.record(phone_a, "a:dongguan-1", 300, 180);
    log.record(phone_b, "a:dongguan-1", 100, 180);
    log.record(phone_a, "a:dongguan-1", 500, 180);  // a retry to a phone that already has it
    const ArrivalLog::Stats s = log.stats("a:dongguan-1");
    EXPECT_EQ(s.count, 2);
    EXPECT_EQ(s.dups, 1);
    EXPECT_EQ(s.first_ns, 100);
    EXPECT_EQ(s.last_ns, 300) << "a duplicate is not a later arrival";
    EXPECT_EQ(s.payload_bytes, 180);
}

TEST(ArrivalLog, KeepsKeysApart) {
    ArrivalLog log;
    std::vector<std::uint32_t> phone;
    log.record(phone, "a:dongguan-1", 10, 100);
    log.record(phone, "c:dongguan-1", 20, 40);
    EXPECT_EQ(log.stats("a:dongguan-1").count, 1);
    EXPECT_EQ(log.stats("c:dongguan-1").count, 1);
    EXPECT_EQ(log.stats("c:dongguan-1").dups, 0);
    EXPECT_EQ(log.stats("c:dongguan-1").payload_bytes, 40);
}

TEST(ArrivalLog, AnUnknownKeyIsAllZero) {
    ArrivalLog log;
    const ArrivalLog::Stats s = log.stats("b7");
    EXPECT_EQ(s.count, 0);
    EXPECT_EQ(s.dups, 0);
    EXPECT_EQ(s.first_ns, 0);
    EXPECT_EQ(s.last_ns, 0);
}

}  // namespace
}  // namespace yihu::bench::load
