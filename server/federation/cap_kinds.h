#pragma once

#include <string_view>

#include "core/alert/alert_kind.h"

namespace yihu::federation {

// How a yihu alert kind is written in CAP: its <event> text and its <category>. The import's default kind table
// reads the same event texts back.
std::string_view cap_event_of(core::AlertKind kind);
std::string_view cap_category_of(core::AlertKind kind);

}  // namespace yihu::federation
