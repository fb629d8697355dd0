#include "api/hub/hub.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include "api/codec/device_request.h"
#include "api/codec/json_codec.h"
#include "api/hub/hub_thread.h"

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
      }()),
      ledger_(DeliveryLedger::Options{.ack_timeout = options_.ack_timeout,
                                      .max_retries = options_.max_retries,
                                      .replay_limit = options_.replay_limit}) {}

Hub::~Hub() {
    stop();
}

core::Status Hub::start(const std::vector<core::Device>& configured_devices) {
    configured_devices_ = configured_devices;
    for (const core::Device& d : configured_devices) {
        if (auto s = add_device(device_request(d)); !s) {
            return core::make_error(s.error().code, "device " + d.id + ": " + s.error().message);
        }
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
    pthread_setname_np(pthread_self(), kHubThreadName);
    std::deque<std::function<void()>> batch;
    for (;;) {
        if (rebuild_needed_) {
            if (auto s = rebuild_from_store(); !s) {
                spdlog::error("rebuilding the hub from the store failed: {}; retrying", s.error().message);
                std::unique_lock lock(mutex_);
                if (wake_.wait_for(lock, 1s, [&] { return stopping_; })) break;
                continue;
            }
        }
        {
            std::unique_lock lock(mutex_);
            core::Time wake_at = next_retry_check_;
            if (auto d = engine_.next_deadline()) wake_at = std::min(wake_at, *d);
            if (heap_trim_at_) wake_at = std::min(wake_at, *heap_trim_at_);
            const auto wait = std::max(core::Duration{0}, wake_at - now());
            wake_.wait_for(lock, std::min<core::Duration>(wait, 1s), [&] { return stopping_ || !tasks_.empty(); });
            batch.swap(tasks_);
            if (batch.empty() && stopping_) break;
        }
        while (!batch.empty() && !rebuild_needed_) {
            auto task = std::move(batch.front());
            batch.pop_front();
            task();
        }
        if (rebuild_needed_ && !batch.empty()) {
            // A commit inside the batch failed: the rest runs after the rebuild, against what the store holds.
            std::lock_guard lock(mutex_);
            while (!batch.empty()) {
                tasks_.push_front(std::move(batch.back()));
                batch.pop_back();
            }
        }
        if (rebuild_needed_) {
            commit();
            continue;
        }

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
        if (!summary_dirty_.empty() && t >= next_summary_) {
            send_summaries(t);
            next_summary_ = t + options_.federation.summary_interval;
        }
        if (t >= next_trim_) {
            if (auto removed = store_->trim(t - options_.history_retention, t - 24h); !removed) {
                spdlog::warn("store trim failed: {}", removed.error().message);
            }
            next_trim_ = t + 1h;
        }
        commit();
        watch_write_refusal(t);
        trim_heap_when_settled(now());
        if (!standby_dirty_.empty() && t >= next_standby_) {
            flush_standby(t);
            next_standby_ = t + options_.standby_interval;
        }
    }
    commit();
}

void Hub::commit() {
    // The acknowledged recipients' marks join the batch of their acks (the alert is still in memory: closed alerts
    // leave it only after a durable commit).
    for (const auto& [number, volunteers] : acked_unwritten_) persist_alert(number, volunteers);
    acked_unwritten_.clear();
    // After a failure nothing is written until the rebuild: what was decided since rests on state the store lacks.
    bool durable = !rebuild_needed_;
    if (durable && !batch_.empty()) {
        core::Status s = store_->apply(batch_);
        if (!s) {
            // The engine already moved on in memory; what it said is not durable. Refuse to confirm it, report not
            // ready (a load balancer sends new work elsewhere), and rebuild memory from the store (run()).
            durable = false;
            ready_ = false;
            // A cluster leader's failure (Redis away) is the leader host's to handle: it resynchronises the cluster
            // and keeps the volunteers' last positions, which a rebuild here would drop.
            rebuild_needed_ = !options_.standby_sink;
            metrics_->store_failures++;
            spdlog::error("store write failed: {}; rebuilding the hub from the store", s.error().message);
        }
    }
    batch_.clear();
    idempotency_pending_.clear();
    bodies_.clear();
    auto actions = std::move(after_commit_);
    after_commit_.clear();
    for (auto& action : actions) action(durable);
    if (durable) {
        send_released(ledger_.release(now()));
        forget_closed();
        // Only what is durable goes to peers: a crash must not take back a message a peer already acted on.
        flush_outbox(now());
    } else {
        ledger_.drop_staged();
    }
}

std::string Hub::write_refusal() const {
    std::lock_guard lock(refusal_mutex_);
    return write_refusal_;
}

void Hub::watch_write_refusal(core::Time t) {
    std::optional<std::string> refusal = store_->write_refusal();
    if (refusal && t >= next_write_probe_) {
        // Not at once after the write that failed (it waited its whole timeout already): a second later, and every
        // second from then, so a node that gets no writes becomes ready again when the replicas are back.
        if (next_write_probe_ != core::Time{}) {
            store_->probe_writes();
            refusal = store_->write_refusal();
        }
        next_write_probe_ = refusal ? t + 1s : core::Time{};
    }
    if (!refusal) next_write_probe_ = core::Time{};
    std::lock_guard lock(refusal_mutex_);
    const std::string now_refused = refusal.value_or(std::string{});
    if (now_refused == write_refusal_) return;
    if (now_refused.empty()) {
        spdlog::info("store: writes are confirmed again; ready");
    } else if (write_refusal_.empty()) {
        spdlog::warn("store: writes refused ({}); not ready until they are confirmed", now_refused);
    }
    write_refusal_ = now_refused;
}

void Hub::send(const Session& session, const v1::ServerMessage& message) {
    if (!session.connection) return;
    auto data = std::make_shared<const std::string>(session.binary ? message.SerializeAsString() : to_json(message));
    session.connection->send(net::Frame{std::move(data), session.binary});
}

}  // namespace yihu::api
