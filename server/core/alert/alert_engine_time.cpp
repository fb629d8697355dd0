// What happens with the passing of time: escalation, ring growth, quiet-hour releases and expiry.

#include <algorithm>

#include "core/alert/alert_engine.h"

namespace yihu::core {

void AlertEngine::tick(Time now, Effects& fx) {
    // Copy: finishing an alert removes it from active_.
    const std::vector<AlertNumber> active(active_.begin(), active_.end());
    for (AlertNumber n : active) {
        Alert& a = alerts_.at(n);
        if (now >= a.expires_at) {
            finish(a, AlertState::kExpired, "expired", now, fx, kActorSystem);
            continue;
        }
        grow_rings(a, now, fx);
        if (!a.staffed && a.next_escalation <= now) escalate(a, now, fx);
        release_held(a, now, fx);
    }
}

std::optional<Time> AlertEngine::next_deadline() const {
    std::optional<Time> next;
    auto consider = [&](Time t) {
        if (t != Alert::kNever && (!next || t < *next)) next = t;
    };
    for (AlertNumber n : active_) {
        const Alert& a = alerts_.at(n);
        consider(a.expires_at);
        if (!a.staffed) consider(a.next_escalation);
        if (!a.fixed_area && a.ring_index + 1 < a.policy.rings.size()) {
            consider(a.created_at + a.policy.rings[a.ring_index + 1].after);
        }
        for (const auto& [v, at] : a.held) consider(at);
    }
    return next;
}

}  // namespace yihu::core
