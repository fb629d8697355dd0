#pragma once

#include <cstddef>
#include <string_view>

namespace yihu::api {

// The longest id a client may name (alert, device, volunteer ids are far shorter).
inline constexpr std::size_t kMaxIdBytes = 128;

// Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF) without control characters (C0,
// DEL, C1): what a protobuf string field takes (its serializer logs a libprotobuf error for invalid UTF-8) and a log
// line or an error message can show.
bool printable_utf8(std::string_view text);

// An id from a client (a path segment, an alert_id field): 1..kMaxIdBytes bytes of printable UTF-8.
inline bool is_valid_id(std::string_view id) {
    return !id.empty() && id.size() <= kMaxIdBytes && printable_utf8(id);
}

// The same rule's explanation, for error messages: "1..128 bytes of UTF-8 without control characters".
std::string_view id_rule();

}  // namespace yihu::api
