#include "api/hub/hub.h"

#include <spdlog/spdlog.h>

#include "api/codec/json_codec.h"

namespace yihu::api {

using namespace std::chrono_literals;

Hub::Hub(HubOptions options, std::unique_ptr<store::Store> store, Clock clock, HubMetrics* metrics)
    : options_(std::move(options)),
      store_(std::move(store)),
      clock_(std::move(clock)),
      metrics_(metrics ? metrics : &own_metrics_),
      engine_([&] {
          core::EngineOptions e = options_.engine;
          e.id_prefix = options_.city;
          return e;
      }()) {}

Hub::~Hub() {
    stop();
}

core::Status Hub::start(const std::vector<core::Device>& configured_devices) {
    for (const core::Device& d : configured_devices) {
        if (auto s = engine_.register_device(d); !s) {
            return core::make_error(s.error().code, "device " + d.id + ": " + s.error().message);
        }
        device_ids_.push_back(d.id);
    }
    if (auto s = restore(); !s) return s;
    next_retry_check_ = now() + 1s;
    next_trim_ = now() + 1min;
    thread_ = std::thread([this] { run(); });
    ready_ = true;
    return core::Status::Ok();
}

void Hub::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            if (!thread_.joinable()) return;
        }
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    ready_ = false;
}

void Hub::post(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
}

// One iteration: take every task posted so far, run them, run what the clock made due, commit once, then send.
void Hub::run() {
    std::deque<std::function<void()>> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            core::Time wake_at = next_retry_check_;
            if (auto d = engine_.next_deadline()) wake_at = std::min(wake_at, *d);
            const auto wait = std::max(core::Duration{0}, wake_at - now());
            wake_.wait_for(lock, std::min<core::Duration>(wait, 1s), [&] { return stopping_ || !tasks_.empty(); });
            batch.swap(tasks_);
            if (batch.empty() && stopping_) break;
        }
        for (auto& task : batch) task();
        batch.clear();

        const core::Time t = now();
        if (auto d = engine_.next_deadline(); d && *d <= t) {
            core::Effects fx;
            engine_.tick(t, fx);
            apply(fx, t);
        }
        if (t >= next_retry_check_) {
            retry_unacked(t);
            next_retry_check_ = t + 1s;
        }
        if (t >= next_trim_) {
            if (auto removed = store_->trim(t - options_.history_retention, t - 24h); !removed) {
                spdlog::warn("store trim failed: {}", removed.error().message);
            }
            next_trim_ = t + 1h;
        }
        commit();
        if (!standby_dirty_.empty() && t >= next_standby_) {
            flush_standby(t);
            next_standby_ = t + options_.standby_interval;
        }
    }
    commit();
}

void Hub::commit() {
    bool durable = true;
    if (!batch_.empty()) {
        core::Status s = store_->apply(batch_);
        batch_.clear();
        if (!s) {
            // The engine already moved on in memory; what it said is not durable. Refuse to confirm it, and report
            // not ready so a load balancer sends new work elsewhere while an operator looks.
            durable = false;
            ready_ = false;
            metrics_->store_failures++;
            spdlog::error("store write failed: {}", s.error().message);
        }
    }
    idempotency_pending_.clear();
    auto actions = std::move(after_commit_);
    after_commit_.clear();
    auto sends = std::move(pending_sends_);
    pending_sends_.clear();
    for (auto& action : actions) action(durable);
    if (durable) {
        for (auto& s : sends) send_push(s.volunteer, std::move(s.push));
    }
}

void Hub::send(const Session& session, const v1::ServerMessage& message) {
    if (!session.connection) return;
    auto data = std::make_shared<const std::string>(session.binary ? message.SerializeAsString() : to_json(message));
    session.connection->send(net::Frame{std::move(data), session.binary});
}

}  // namespace yihu::api
