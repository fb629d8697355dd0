#pragma once

// A store decorator for tests: passes everything to the store it wraps, except that it refuses the Nth apply() from
// the moment the test arms it (the wrapped store is not touched by the refused batch, as after a failed transaction).
// `seen`, when set, is shown every batch that was applied (on the hub's thread).

#include <atomic>
#include <functional>
#include <memory>

#include "store/store.h"

namespace yihu::testing {

class CommitFailures {
  public:
    // The nth commit from now (1: the next one) fails.
    void fail_nth(int n) { countdown_ = n; }
    int failed() const { return failed_; }
    // Called by the store on each apply(): true if this one must fail.
    bool take() {
        int c = countdown_.load();
        while (c > 0 && !countdown_.compare_exchange_weak(c, c - 1)) {
        }
        if (c != 1) return false;
        failed_++;
        return true;
    }

  private:
    std::atomic<int> countdown_{0};
    std::atomic<int> failed_{0};
};

class FailingStore : public store::Store {
  public:
    using Seen = std::function<void(const store::WriteBatch&)>;
    FailingStore(std::unique_ptr<store::Store> inner, std::shared_ptr<CommitFailures> failures, Seen seen = {})
        : inner_(std::move(inner)), failures_(std::move(failures)), seen_(std::move(seen)) {}

    core::Status apply(const store::WriteBatch& batch) override {
        if (failures_->take()) return core::make_error(core::ErrorCode::kUnavailable, "injected commit failure");
        core::Status s = inner_->apply(batch);
        if (s && seen_) seen_(batch);
        return s;
    }
    const std::string& epoch() const override { return inner_->epoch(); }
    core::Result<std::vector<store::AlertRecord>> load_alerts(bool active_only) override {
        return inner_->load_alerts(active_only);
    }
    core::Result<std::optional<store::AlertRecord>> find_alert(std::string_view id) override {
        return inner_->find_alert(id);
    }
    core::Result<std::vector<store::RecipientRecord>> load_recipients(std::uint64_t alert) override {
        return inner_->load_recipients(alert);
    }
    core::Result<std::vector<store::AuditRecord>> load_audit(std::uint64_t alert, std::uint64_t from,
                                                             std::size_t limit) override {
        return inner_->load_audit(alert, from, limit);
    }
    core::Result<std::vector<store::DeviceRecord>> load_devices() override { return inner_->load_devices(); }
    core::Result<std::optional<store::IdempotencyRecord>> find_idempotency(std::string_view key) override {
        return inner_->find_idempotency(key);
    }
    core::Result<std::vector<store::CapMessageRecord>> load_cap_messages() override {
        return inner_->load_cap_messages();
    }
    core::Result<std::vector<store::OutboxRecord>> load_outbox() override { return inner_->load_outbox(); }
    core::Result<store::VolunteerCursor> cursor(std::string_view volunteer) override {
        return inner_->cursor(volunteer);
    }
    core::Result<std::vector<std::pair<std::string, store::VolunteerCursor>>> load_cursors() override {
        return inner_->load_cursors();
    }
    core::Result<std::vector<store::DeliveryRecord>> deliveries_after(std::string_view volunteer,
                                                                      std::uint64_t after_seq,
                                                                      std::size_t limit) override {
        return inner_->deliveries_after(volunteer, after_seq, limit);
    }
    core::Result<std::size_t> trim(core::Time deliveries_before, core::Time keys_before) override {
        return inner_->trim(deliveries_before, keys_before);
    }

  private:
    std::unique_ptr<store::Store> inner_;
    std::shared_ptr<CommitFailures> failures_;
    Seen seen_;
};

}  // namespace yihu::testing
