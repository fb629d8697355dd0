#include <algorithm>

#include "core/alert/alert_engine.h"

namespace yihu::core {

Status AlertEngine::restore(Alert alert) {
    if (alert.number == 0) return make_error(ErrorCode::kInvalidArgument, "alert number 0");
    if (alerts_.count(alert.number) || by_id_.count(alert.id)) {
        return make_error(ErrorCode::kConflict, "alert " + alert.id + " is already loaded");
    }
    const AlertNumber number = alert.number;
    next_number_ = std::max(next_number_, number + 1);
    for (const Sighting& s : alert.sightings) next_sighting_ = std::max(next_sighting_, s.id + 1);

    Alert& a = alerts_.emplace(number, std::move(alert)).first->second;
    by_id_[a.id] = number;
    if (is_closed(a.state)) return Status::Ok();

    active_.insert(number);
    reindex_area(a);
    for (const auto& [v, r] : a.recipients) {
        if (r.accepted) accepted_by_[v].insert(number);
    }
    if (!a.device_id.empty()) {
        if (auto it = devices_.find(a.device_id); it != devices_.end()) {
            // The merge window counts from the last trigger, which is not saved; the alert's creation is the
            // conservative stand-in (a restart never merges a trigger that would not have merged before).
            if (!it->second.open_alert || *it->second.open_alert < number) {
                it->second.open_alert = number;
                it->second.last_trigger = a.created_at;
            }
        }
    }
    return Status::Ok();
}

void AlertEngine::continue_numbers_after(AlertNumber highest) {
    next_number_ = std::max(next_number_, highest + 1);
}

Status AlertEngine::forget(AlertNumber number) {
    auto it = alerts_.find(number);
    if (it == alerts_.end()) return make_error(ErrorCode::kUnknownAlert, "no alert " + std::to_string(number));
    if (!is_closed(it->second.state)) {
        return make_error(ErrorCode::kConflict, "alert " + it->second.id + " is still active");
    }
    // Closing already left the area index, the responder index and the device's open alert (finish()).
    by_id_.erase(it->second.id);
    alerts_.erase(it);
    return Status::Ok();
}

}  // namespace yihu::core
