#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace yihu::cluster {

// Runs `tick` at once and then every `interval` on `strand`, until stop(). The lease's renewals, the relay's
// housekeeping and the leader's heartbeat all run this way. A pending wait owns the timer, so it outlives its
// owner's handle safely; a tick that captures its owner should capture it weakly. Included by .cpp files only
// (Asio stays out of the cluster's headers).
class RepeatingTimer : public std::enable_shared_from_this<RepeatingTimer> {
  public:
    using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

    static std::shared_ptr<RepeatingTimer> start(Strand strand, std::chrono::milliseconds interval,
                                                 std::function<void()> tick) {
        std::shared_ptr<RepeatingTimer> t(new RepeatingTimer(strand, interval, std::move(tick)));
        boost::asio::post(t->strand_, [t] { t->fire(); });
        return t;
    }

    // No tick starts after this returns (one running on another thread finishes). Thread-safe, idempotent.
    void stop() {
        active_ = false;
        boost::asio::post(strand_, [self = shared_from_this()] { self->timer_.cancel(); });
    }

  private:
    RepeatingTimer(Strand strand, std::chrono::milliseconds interval, std::function<void()> tick)
        : strand_(strand), timer_(strand), interval_(interval), tick_(std::move(tick)) {}

    void fire() {
        if (!active_) return;
        tick_();
        timer_.expires_after(interval_);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->fire();
        });
    }

    Strand strand_;
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds interval_;
    std::function<void()> tick_;
    std::atomic<bool> active_{true};
};

}  // namespace yihu::cluster
