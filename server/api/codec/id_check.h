#pragma once

#include <cstddef>
#include <string_view>

namespace yihu::api {

// The longest id a client may name (alert, device, volunteer ids are far shorter).
inline constexpr std::size_t kMaxIdBytes = 128;

// An id from a client (a path segment, an alert_id field): 1..kMaxIdBytes bytes of well-formed UTF-8 (no overlong
// forms, surrogates or code points above U+10FFFF) without control characters (C0, DEL, C1). Checked before the id
// reaches a protobuf string field, whose serializer would log a libprotobuf error for invalid UTF-8.
bool is_valid_id(std::string_view id);

// The same rule's explanation, for error messages: "1..128 bytes of UTF-8 without control characters".
std::string_view id_rule();

}  // namespace yihu::api
