// Restart: rebuild the engine and the delivery sequences from the store, so active alerts carry on where they
// stood and phones resume their push streams.

#include <spdlog/spdlog.h>

#include <memory>

#include "api/codec/device_request.h"
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
        // Records written before whole devices were stored hold the engine's fields only.
        const v1::Device request =
            d.has_device()
                ? d.device()
                : device_request(core::Device{.id = d.id(),
                                              .name = d.name(),
                                              .position = {d.position().latitude(), d.position().longitude()},
                                              .kind = static_cast<core::AlertKind>(d.kind()),
                                              .responders_wanted = d.responders_wanted()});
        if (auto s = add_device(request); !s) {
            return core::make_error(s.error().code, "stored device " + record.id + ": " + s.error().message);
        }
    }

    // Only open alerts come back: closed ones are read from the store when asked for (hub_stored_alerts.cpp).
    // Numbers continue after the highest ever stored, so a new alert never takes a closed alert's number or id.
    auto alerts = store_->load_alerts(false);
    if (!alerts) return alerts.error();
    std::size_t active = 0;
    for (const auto& record : *alerts) {
        engine_.continue_numbers_after(record.number);
        if (!record.active) continue;
        StoredAlert stored;
        if (auto s = load_stored_alert(record, stored); !s) return s;
        ++active;
        audit_saved_[record.number] = stored.alert.audit.size();
        extras_[record.number] = std::move(stored.extras);
        marks_[record.number] = std::move(stored.marks);
        if (auto s = engine_.restore(std::move(stored.alert)); !s) return s;
    }
    const std::size_t closed = alerts->size() - active;
    alerts->clear();
    alerts->shrink_to_fit();

    if (auto s = restore_cap_book(); !s) return s;

    auto cursors = store_->load_cursors();
    if (!cursors) return cursors.error();
    for (const auto& [name, cursor] : *cursors) ledger_.seed_cursor(volunteers_.intern(name), cursor);
    if (auto s = restore_outbox(); !s) return s;
    metrics_->alerts_active = static_cast<std::int64_t>(engine_.active().size());
    metrics_->alerts_closed = static_cast<std::int64_t>(closed);
    metrics_->alerts_in_memory = static_cast<std::int64_t>(engine_.alerts().size());
    spdlog::info("restored {} active alerts ({} closed ones stay in the store), {} devices, {} volunteer sequences",
                 active, closed, devices->size(), cursors->size());
    return core::Status::Ok();
}

core::Status Hub::rebuild_from_store() {
    // Phones reconnect and resume from what the store holds (their Hello carries a position again; positions are
    // never stored). Their sessions' close callbacks find no session and change nothing.
    for (auto& [v, state] : volunteers_state_) {
        if (state.session) state.session->connection->close(net::close_code::kGoingAway, "store failure; reconnect");
    }
    volunteers_state_.clear();
    metrics_->volunteers_connected = 0;
    // The engine (its index owns pinned memory) cannot be moved: a fresh one is made in the same place. No reference
    // to it outlives this (the hub thread is the only user, and it is here).
    core::EngineOptions engine_options = options_.engine;
    engine_options.id_prefix = options_.city;
    std::destroy_at(&engine_);
    std::construct_at(&engine_, engine_options);
    ledger_ = DeliveryLedger(DeliveryLedger::Options{.ack_timeout = options_.ack_timeout,
                                                     .max_retries = options_.max_retries,
                                                     .replay_limit = options_.replay_limit});
    extras_.clear();
    marks_.clear();
    audit_saved_.clear();
    written_.clear();
    acked_unwritten_.clear();
    closing_.clear();
    absent_.clear();
    bodies_.clear();
    idempotency_pending_.clear();
    standby_dirty_.clear();
    device_ids_.clear();
    device_views_.clear();
    batch_.clear();
    for (const core::Device& d : configured_devices_) {
        if (auto s = add_device(device_request(d)); !s) return s.error();
    }
    if (auto s = restore(); !s) return s;
    rebuild_needed_ = false;
    ready_ = true;
    spdlog::warn("hub rebuilt from the store after a failed write; ready again");
    return core::Status::Ok();
}

}  // namespace yihu::api
