#pragma once

#include <string_view>

#include "core/result.h"
#include "federation/cap_limits.h"
#include "federation/cap_message.h"

namespace yihu::federation {

// Untrusted bytes -> a CapMessage: parsed safely (parse_untrusted_xml), validated against the OASIS CAP 1.2 schema
// (CapSchema), then read. kInvalidArgument with the parser's or the validator's reason when the bytes are not a
// well-formed, schema-valid CAP 1.2 alert.
core::Result<CapMessage> read_cap(std::string_view bytes, const CapLimits& limits = {});

}  // namespace yihu::federation
