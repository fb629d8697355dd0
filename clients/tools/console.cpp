#include "tools/console.h"

#include <iostream>
#include <mutex>

namespace yihu::tools {

namespace {
std::mutex& output_mutex() {
    static std::mutex mutex;
    return mutex;
}
}  // namespace

void print_line(std::string_view line) {
    std::lock_guard lock(output_mutex());
    std::cout << line << '\n' << std::flush;
}

void print_error(std::string_view line) {
    std::lock_guard lock(output_mutex());
    std::cerr << line << '\n' << std::flush;
}

}  // namespace yihu::tools
