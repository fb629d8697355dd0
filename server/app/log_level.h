#pragma once

#include <spdlog/common.h>

#include "ops/config.h"

namespace yihu::app {

// The spdlog level for a configured one, named case by case (the two enums only happen to share an order).
spdlog::level::level_enum to_spdlog_level(ops::LogLevel level);

}  // namespace yihu::app
