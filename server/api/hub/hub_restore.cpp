// Restart: rebuild the engine and the delivery sequences from the store, so active alerts carry on where they
// stood and phones resume their push streams.

#include <spdlog/spdlog.h>

#include "api/hub/hub.h"

namespace yihu::api {

core::Status Hub::restore() {
    auto devices = store_->load_devices();
    if (!devices) return devices.error();
    for (const auto& record : *devices) {
        v1::StoredDevice d;
        if (!d.ParseFromString(record.snapshot)) {
            return core::make_error(core::ErrorCode::kInternal, "stored device " + record.id + " does not decode");
        }
        core::Device device{.id = d.id(),
                            .name = d.name(),
                            .position = {d.position().latitude(), d.position().longitude()},
                            .kind = static_cast<core::AlertKind>(d.kind()),
                            .responders_wanted = d.responders_wanted()};
        if (auto s = engine_.register_device(device); !s) return s;
    }
    for (const auto& record : *devices) {
        if (std::find(device_ids_.begin(), device_ids_.end(), record.id) == device_ids_.end()) {
            device_ids_.push_back(record.id);
        }
    }

    // Closed alerts are loaded too: dispatchers query them, and ids must stay unique.
    auto alerts = store_->load_alerts(false);
    if (!alerts) return alerts.error();
    std::size_t active = 0;
    for (const auto& record : *alerts) {
        core::Alert alert;
        AlertExtras x;
        if (auto s = decode_alert(record.snapshot, skills_, teams_, volunteers_, alert, x); !s) return s;
        auto recipients = store_->load_recipients(record.number);
        if (!recipients) return recipients.error();
        auto& marks = marks_[record.number];
        for (const auto& r : *recipients) {
            core::Recipient recipient;
            DeliveryMarks m;
            if (auto s = decode_recipient(r.snapshot, recipient, m); !s) return s;
            const core::VolunteerId v = volunteers_.intern(r.volunteer);
            alert.recipients[v] = std::move(recipient);
            marks[v] = m;
        }
        auto audit = store_->load_audit(record.number, 0, std::numeric_limits<std::size_t>::max());
        if (!audit) return audit.error();
        for (const auto& e : *audit) {
            core::AuditEntry entry;
            if (auto s = decode_audit(e.entry, volunteers_, entry); !s) return s;
            alert.audit.push_back(std::move(entry));
        }
        audit_saved_[record.number] = alert.audit.size();
        extras_[record.number] = std::move(x);
        if (alert.state == core::AlertState::kActive) ++active;
        if (auto s = engine_.restore(std::move(alert)); !s) return s;
    }

    auto cursors = store_->load_cursors();
    if (!cursors) return cursors.error();
    for (const auto& [name, cursor] : *cursors) volunteer(volunteers_.intern(name)).cursor = cursor;
    metrics_->alerts_active = static_cast<std::int64_t>(engine_.active().size());
    metrics_->alerts_closed = static_cast<std::int64_t>(engine_.alerts().size() - engine_.active().size());
    spdlog::info("restored {} alerts ({} active), {} devices, {} volunteer sequences", alerts->size(), active,
                 devices->size(), cursors->size());
    return core::Status::Ok();
}

}  // namespace yihu::api
