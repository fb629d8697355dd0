// Memory follows open work: a closed alert leaves the hub and the engine once its closing commit is durable, and
// dispatchers' queries about it read it back from the store.

#include <limits>

#include "api/codec/alert_view.h"
#include "api/codec/hub_result.h"
#include "api/hub/heap_trim.h"
#include "api/hub/hub.h"

namespace yihu::api {

Hub::AlertView Hub::view_of(const core::Alert& alert) const {
    const auto marks = marks_.find(alert.number);
    return AlertView{.alert = &alert,
                     .extras = &extras(alert.number),
                     .marks = marks == marks_.end() ? nullptr : &marks->second,
                     .stored = nullptr};
}

core::Result<std::optional<Hub::AlertView>> Hub::view_alert(std::string_view id) {
    if (const core::Alert* a = engine_.find(id)) return std::optional<AlertView>(view_of(*a));
    auto record = store_->find_alert(id);
    if (!record) return record.error();
    if (!*record) return std::optional<AlertView>();
    auto stored = std::make_shared<StoredAlert>();
    if (auto s = load_stored_alert(**record, *stored); !s) return s.error();
    return std::optional<AlertView>(
        AlertView{.alert = &stored->alert, .extras = &stored->extras, .marks = &stored->marks, .stored = stored});
}

core::Status Hub::load_stored_alert(const store::AlertRecord& record, StoredAlert& out) {
    if (auto s = decode_alert(record.snapshot, skills_, teams_, volunteers_, out.alert, out.extras); !s) return s;
    auto recipients = store_->load_recipients(record.number);
    if (!recipients) return recipients.error();
    for (const auto& r : *recipients) {
        core::Recipient recipient;
        DeliveryMarks m;
        if (auto s = decode_recipient(r.snapshot, recipient, m); !s) return s;
        const core::VolunteerId v = volunteers_.intern(r.volunteer);
        out.alert.recipients[v] = std::move(recipient);
        out.marks[v] = m;
    }
    auto audit = store_->load_audit(record.number, 0, std::numeric_limits<std::size_t>::max());
    if (!audit) return audit.error();
    for (const auto& e : *audit) {
        core::AuditEntry entry;
        if (auto s = decode_audit(e.entry, volunteers_, entry); !s) return s;
        out.alert.audit.push_back(std::move(entry));
    }
    return core::Status::Ok();
}

core::Result<AbsentAlerts::Known> Hub::absent_state(const std::string& id) {
    if (AbsentAlerts::never_given(id, options_.city, engine_.highest_number())) return AbsentAlerts::Known::kNever;
    if (auto known = absent_.find(id)) return *known;
    metrics_->absent_alert_reads++;
    auto record = store_->find_alert(id);
    if (!record) return record.error();
    // Every alert in the store is closed or in memory (a start loads the open ones): one found here is closed.
    const auto known = *record ? AbsentAlerts::Known::kClosed : AbsentAlerts::Known::kNever;
    absent_.remember(id, known);
    return known;
}

v1::HubResult Hub::absent_alert(const std::string& id) {
    auto known = absent_state(id);
    if (!known) return error_result(v1::ERROR_CODE_UNAVAILABLE, "the store cannot be read: " + known.error().message);
    if (*known == AbsentAlerts::Known::kClosed) return error_result(v1::ERROR_CODE_ALERT_CLOSED, "alert is closed");
    return error_result(v1::ERROR_CODE_NOT_FOUND, "no alert " + id);
}

Hub::Outcome Hub::committed_alert(const std::string& id) {
    if (const core::Alert* a = engine_.find(id)) return committed_alert(a->number);
    auto view = view_alert(id);
    if (!view) {
        return {error_result(v1::ERROR_CODE_UNAVAILABLE, "the store cannot be read: " + view.error().message)};
    }
    if (!*view) return {error_result(v1::ERROR_CODE_NOT_FOUND, "alert " + id + " is gone")};
    Outcome out;
    to_proto(*(*view)->alert, *(*view)->extras, Names{skills_, teams_, volunteers_}, false, out.result.mutable_alert(),
             0);
    out.after_commit = true;
    return out;
}

void Hub::forget_closed() {
    bool forgot = false;
    for (auto it = closing_.begin(); it != closing_.end();) {
        const core::AlertNumber n = *it;
        // A neighbouring city still waits for this alert's last counts (send_summaries): it leaves after them.
        // The same while a peer has not yet answered its close (or an earlier forward): its PEER_ACKED goes in the
        // trail.
        if (summary_dirty_.count(n) || forwards_unacked_.count(n)) {
            ++it;
            continue;
        }
        const core::Alert* a = engine_.find(n);
        if (a && core::is_closed(a->state)) {
            // A phone's late answer to it is told ALERT_CLOSED without a store read (absent_state).
            absent_.remember(a->id, AbsentAlerts::Known::kClosed);
            (void)engine_.forget(n);
            extras_.erase(n);
            marks_.erase(n);
            audit_saved_.erase(n);
            written_.erase(n);
            forgot = true;
        }
        it = closing_.erase(it);
    }
    metrics_->alerts_in_memory = static_cast<std::int64_t>(engine_.alerts().size());
    if (forgot) {
        if (!heap_trim_since_) heap_trim_since_ = now();
        heap_trim_at_.reset();  // this alert's pushes too must be acknowledged first
    }
}

void Hub::trim_heap_when_settled(core::Time t) {
    // A fan-out's frames and writes are freed as its pushes are written and acknowledged, and what the acks set off
    // (their commit, the reads that carried them) shortly after; trimming before that would leave their holes in
    // the heap. A volunteer that never acknowledges must not postpone it for good.
    constexpr core::Duration kHeapTrimWait = std::chrono::seconds(10);
    constexpr core::Duration kHeapTrimSettle = std::chrono::milliseconds(200);
    if (!heap_trim_since_) return;
    if (!heap_trim_at_) {
        if (ledger_.volunteers_with_unacked() > 0 && t - *heap_trim_since_ < kHeapTrimWait) return;
        heap_trim_at_ = t + kHeapTrimSettle;
    }
    if (t < *heap_trim_at_) return;
    heap_trim_since_.reset();
    heap_trim_at_.reset();
    return_free_heap();
}

}  // namespace yihu::api
