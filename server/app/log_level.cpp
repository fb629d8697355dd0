#include "app/log_level.h"

namespace yihu::app {

spdlog::level::level_enum to_spdlog_level(ops::LogLevel level) {
    switch (level) {
        case ops::LogLevel::kTrace:
            return spdlog::level::trace;
        case ops::LogLevel::kDebug:
            return spdlog::level::debug;
        case ops::LogLevel::kInfo:
            return spdlog::level::info;
        case ops::LogLevel::kWarn:
            return spdlog::level::warn;
        case ops::LogLevel::kError:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

}  // namespace yihu::app
