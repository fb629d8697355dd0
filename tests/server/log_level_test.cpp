#include "app/log_level.h"

#include <gtest/gtest.h>

namespace yihu::app {
namespace {

TEST(LogLevel, EachConfiguredLevelIsItsSpdlogLevel) {
    EXPECT_EQ(to_spdlog_level(ops::LogLevel::kTrace), spdlog::level::trace);
    EXPECT_EQ(to_spdlog_level(ops::LogLevel::kDebug), spdlog::level::debug);
    EXPECT_EQ(to_spdlog_level(ops::LogLevel::kInfo), spdlog::level::info);
    EXPECT_EQ(to_spdlog_level(ops::LogLevel::kWarn), spdlog::level::warn);
    EXPECT_EQ(to_spdlog_level(ops::LogLevel::kError), spdlog::level::err);
}

}  // namespace
}  // namespace yihu::app
