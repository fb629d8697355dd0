#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

#include "core/result.h"

namespace yihu::api {

// Protobuf's canonical JSON mapping (lowerCamelCase names, enums by name, 64-bit integers as strings). Unknown
// fields are rejected when parsing (a typo in a dispatcher's request must not be silently ignored) unless
// `ignore_unknown` (envelopes from newer phones: an unknown body then reads as an empty oneof).
core::Status parse_json(std::string_view json, google::protobuf::Message& out, bool ignore_unknown = false);
std::string to_json(const google::protobuf::Message& message);

}  // namespace yihu::api
