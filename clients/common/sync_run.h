#pragma once

// Internal to the clients: drives asynchronous Beast operations on a private io_context so that every synchronous
// call has a deadline.

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace yihu::client::detail {

using Clock = std::chrono::steady_clock;

// Runs `io` until `done()` or the deadline, whichever comes first; returns done(). Nothing is cancelled.
template <class Done>
bool run_until(boost::asio::io_context& io, Clock::time_point deadline, Done done) {
    io.restart();
    while (!done()) {
        // 0: the deadline passed, or nothing is left to run (then done() will not change either).
        if (io.run_one_until(deadline) == 0) break;
    }
    return done();
}

// Like run_until, but on timeout calls cancel() (which must make the pending operation complete, e.g. by closing the
// socket) and runs until the operation has completed, so no handler is left referring to the caller's stack.
template <class Done, class Cancel>
bool run_or_cancel(boost::asio::io_context& io, Clock::time_point deadline, Done done, Cancel cancel) {
    if (run_until(io, deadline, done)) return true;
    cancel();
    io.restart();
    while (!done() && io.run_one() > 0) {
    }
    return false;
}

}  // namespace yihu::client::detail
