#include "progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace yihu::bench::load {

ProgressLine::ProgressLine() : tty_(isatty(STDERR_FILENO) == 1) {}

void ProgressLine::update(const std::string& text) {
    const auto now = std::chrono::steady_clock::now();
    if (tty_) {
        std::fprintf(stderr, "\r\033[K%s", text.c_str());
    } else if (now - last_ >= std::chrono::seconds(2)) {
        std::fprintf(stderr, "%s\n", text.c_str());
    } else {
        return;
    }
    last_ = now;
    std::fflush(stderr);
}

void ProgressLine::done(const std::string& text) {
    if (tty_) std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
    last_ = {};
}

}  // namespace yihu::bench::load
