#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

#include <string>
#include <string_view>

#include "yihu/v1/alert.pb.h"
#include "yihu/v1/common.pb.h"

namespace yihu::tools {

// Wire values as the tools print them: enum names without their type prefix ("ALERT_CLOSED", "RESOLVED_FOUND",
// "ACCEPT"), distances in metres, times as local wall-clock time.
std::string short_name(v1::ErrorCode code);
std::string short_name(v1::AlertState state);
std::string short_name(v1::ResponseKind kind);
std::string short_name(v1::DeliveryKind kind);
std::string short_name(v1::AuditEventKind kind);
// "drowning", "missing-person": the spelling of yihu-dispatch's --kind.
std::string kind_flag_name(v1::AlertKind kind);

// "412 m"; "-" for a negative value (unknown).
std::string metres(double m);
// Local time of day with milliseconds, "14:03:27.412"; "-" when unset (zero).
std::string clock_time(const google::protobuf::Timestamp& t);
// The text in double quotes, with inner quotes and control characters escaped, so a line stays one line.
std::string quoted(std::string_view text);

// `prefix` + `text`, or "" when `text` is empty: for optional parts of a line (" role=rescue"). Built by appending,
// which also keeps GCC 12's -O3 from a false -Wrestrict on `"literal" + std::string` temporaries.
std::string optional_part(std::string_view prefix, std::string_view text);

// Protobuf canonical JSON, indented, for showing a whole message to a person.
std::string pretty_json(const google::protobuf::Message& message);

}  // namespace yihu::tools
