#pragma once

#include <chrono>
#include <string>

namespace yihu::bench::load {

// The line on stderr that says what a run is doing: rewritten in place on a terminal, one line every few seconds
// otherwise (CTest logs, pipes), so a long run is never silent.
class ProgressLine {
  public:
    ProgressLine();
    void update(const std::string& text);
    // Ends the current line (the next update starts a new one).
    void done(const std::string& text);

  private:
    bool tty_ = false;
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace yihu::bench::load
