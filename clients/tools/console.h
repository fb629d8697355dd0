#pragma once

#include <string_view>

namespace yihu::tools {

// Whole lines to stdout or stderr from any thread: a line is written and flushed under one lock, so lines from many
// simulated phones never interleave and a pipe (the demo's prefixing) sees each line as soon as it happens.
void print_line(std::string_view line);
void print_error(std::string_view line);

}  // namespace yihu::tools
