#pragma once

#include <string>
#include <string_view>

namespace yihu::federation {

// Appends `text` escaped for XML character data and attribute values (&, <, >, ", '), dropping the control
// characters XML 1.0 forbids (all below U+0020 except tab, newline and carriage return).
void append_escaped(std::string& out, std::string_view text);

// Appends <name>escaped text</name>, indented by `indent` spaces, and a newline.
void append_element(std::string& out, int indent, std::string_view name, std::string_view text);

// Shortest decimal text that reads back as exactly `v` (std::to_chars).
std::string decimal(double v);
void append_decimal(std::string& out, double v);

}  // namespace yihu::federation
