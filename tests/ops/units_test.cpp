#include "ops/units.h"

#include <gtest/gtest.h>

#include <limits>

namespace yihu::ops {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsEveryUnit) {
    EXPECT_EQ(*parse_duration("250ms"), milliseconds(250));
    EXPECT_EQ(*parse_duration("10s"), milliseconds(10'000));
    EXPECT_EQ(*parse_duration("5m"), milliseconds(300'000));
    EXPECT_EQ(*parse_duration("72h"), milliseconds(72ll * 3'600'000));
    EXPECT_EQ(*parse_duration("7d"), milliseconds(7ll * 86'400'000));
    EXPECT_EQ(*parse_duration("0s"), milliseconds(0));  // zero parses; the settings reject it where it is wrong
}

TEST(ParseDuration, RejectsMalformedText) {
    for (const char* bad : {"", "10", "s", "10x", "1.5s", "-5s", "+5s", " 5s", "5s ", "5 s", "5S", "5sec", "1h30m",
                            "99999999999999999999ms", "200000000000d"}) {
        auto d = parse_duration(bad);
        ASSERT_FALSE(d.ok()) << "'" << bad << "' parsed";
        EXPECT_EQ(d.error().code, core::ErrorCode::kInvalidArgument);
        EXPECT_NE(d.error().message.find(std::string("'").append(bad).append("'")), std::string::npos)
            << d.error().message;
    }
    EXPECT_NE(parse_duration("10").error().message.find("no unit"), std::string::npos);
}

TEST(ParseSize, AcceptsBytesAndBinaryUnits) {
    EXPECT_EQ(*parse_size("512"), 512u);
    EXPECT_EQ(*parse_size("512B"), 512u);
    EXPECT_EQ(*parse_size("64KiB"), 64u * 1024);
    EXPECT_EQ(*parse_size("4MiB"), 4u * 1024 * 1024);
    EXPECT_EQ(*parse_size("1GiB"), std::size_t{1} << 30);
}

TEST(ParseSize, RejectsMalformedText) {
    for (const char* bad :
         {"", "KiB", "4MB", "4mib", "4 MiB", "1.5MiB", "-1", "4M", "18446744073709551616", "17179869184GiB"}) {
        auto n = parse_size(bad);
        ASSERT_FALSE(n.ok()) << "'" << bad << "' parsed";
        EXPECT_EQ(n.error().code, core::ErrorCode::kInvalidArgument);
    }
}

TEST(FormatUnits, PicksTheLargestExactUnitAndReadsBack) {
    EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
    EXPECT_EQ(format_duration(milliseconds(10'000)), "10s");
    EXPECT_EQ(format_duration(milliseconds(90'000)), "90s");
    EXPECT_EQ(format_duration(milliseconds(600'000)), "10m");
    // Days are read but not written: --help shows "72h" for the retention, as the documentation does.
    EXPECT_EQ(format_duration(milliseconds(72ll * 3'600'000)), "72h");
    EXPECT_EQ(format_duration(milliseconds(1'500)), "1500ms");
    EXPECT_EQ(format_size(512), "512B");
    EXPECT_EQ(format_size(64 * 1024), "64KiB");
    EXPECT_EQ(format_size(4 * 1024 * 1024), "4MiB");
    EXPECT_EQ(format_size(1536), "1536B");
    for (std::int64_t ms : {1ll, 999ll, 1'000ll, 61'000ll, 3'600'000ll, 86'400'000ll * 365}) {
        EXPECT_EQ(*parse_duration(format_duration(milliseconds(ms))), milliseconds(ms));
    }
    for (std::size_t n : {std::size_t{1}, std::size_t{1023}, std::size_t{1536}, std::size_t{1} << 40}) {
        EXPECT_EQ(*parse_size(format_size(n)), n);
    }
}

}  // namespace
}  // namespace yihu::ops
