#include "tools/stop_signal.h"

#include <atomic>
#include <csignal>
#include <cstdlib>

namespace yihu::tools {

namespace {

// Lock-free, so touching it from a signal handler is allowed.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int signal) {
    if (g_stop.exchange(true)) std::_Exit(128 + signal);
}

}  // namespace

void install_stop_handlers() {
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
}

bool stop_requested() {
    return g_stop.load();
}

}  // namespace yihu::tools
