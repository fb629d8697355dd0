// Choosing and calling volunteers: the initial call, roaming, escalation, replacements and quiet-hour holds.

#include <algorithm>
#include <cmath>

#include "core/alert/alert_engine.h"

namespace yihu::core {

namespace {
std::string metres(double m) {
    return std::to_string(static_cast<long>(std::lround(m))) + " m";
}
}  // namespace

AlertEngine::Admit AlertEngine::consider(Alert& a, VolunteerId v, double distance_m, std::string_view reason, Time now,
                                         Effects& fx) {
    if (a.recipients.count(v)) return Admit::kAlreadyRecipient;
    if (a.staffed) return Admit::kCapMet;  // enough responders: nobody new is called
    if (auto room = a.remaining_capacity(); room && *room == 0) return Admit::kCapMet;
    if (!a.policy.urgent && in_quiet_hours(v, now)) {
        if (a.held.emplace(v, quiet_.at(v).end_after(now)).second) {
            audit(a, now, AuditKind::kHeld, v, std::string(reason) + ", quiet hours, " + metres(distance_m));
        }
        return Admit::kHeld;
    }
    deliver(a, v, distance_m, reason, now, fx);
    return Admit::kDelivered;
}

void AlertEngine::deliver(Alert& a, VolunteerId v, double distance_m, std::string_view reason, Time now, Effects& fx) {
    a.held.erase(v);
    Recipient& r = a.recipients[v];
    r.notified_at = now;
    r.distance_m = distance_m;
    r.reason = std::string(reason);
    // Distances, never coordinates, go into the audit trail: positions are personal data.
    audit(a, now, AuditKind::kMatched, v, std::string(reason) + ", " + metres(distance_m));
    fx.notices.push_back(Notice{.kind = Notice::Kind::kAlert,
                                .volunteer = v,
                                .alert = a.number,
                                .alert_version = a.version,
                                .distance_m = distance_m,
                                .response_requested = a.policy.ask_to_respond});
    feed(fx, FeedEvent{.kind = FeedEvent::Kind::kDelivery, .alert = a.number, .at = now, .volunteer = v});
}

// Calls whoever the alert should reach now and has not yet reached. Nearest-first alerts take the nearest up to
// their cap; broadcasts take everyone in the area (up to the cap, if any, nearest first so a cap keeps the closest).
// The area only filters: nearness and distances are from the alert's centre, wherever a drawn area's centre lies.
// A match held for quiet hours takes no slot: the slots go to the nearest who can be alerted now, and the held match
// is delivered when the window ends only if a slot is still free then.
std::size_t AlertEngine::recruit(Alert& a, std::string_view reason, Time now, Effects& fx) {
    if (a.staffed) return 0;
    std::size_t delivered = 0;
    for (;;) {
        const std::optional<std::size_t> room = a.remaining_capacity();
        if (room && *room == 0) return delivered;
        std::optional<std::size_t> k;
        // Ask for enough to fill the room even after skipping people already called or held.
        if (room) k = *room + a.recipients.size() + a.held.size();
        matcher_.volunteers().query(a.area(), a.center, a.filter, k, now, scratch_matches_);
        if (!k) {  // everyone: no order needed, but a stable one keeps effects deterministic
            std::sort(scratch_matches_.begin(), scratch_matches_.end(),
                      [](const Match& x, const Match& y) { return x.id < y.id; });
        }
        const std::vector<Match> candidates = std::move(scratch_matches_);
        scratch_matches_.clear();
        std::size_t newly_held = 0;
        for (const Match& m : candidates) {
            const bool was_held = a.held.count(m.id) != 0;
            const Admit result = consider(a, m.id, m.distance_m, reason, now, fx);
            if (result == Admit::kDelivered) ++delivered;
            if (result == Admit::kHeld && !was_held) ++newly_held;
            if (result == Admit::kCapMet) return delivered;
        }
        // Holds made in this pass used up candidates meant for the room: look further out.
        if (!k || candidates.size() < *k || newly_held == 0) return delivered;
    }
}

// A volunteer who became eligible where they stand (came on duty, gained a skill) gets the alerts covering them.
void AlertEngine::offer_covering_alerts(VolunteerId v, std::string_view reason, Time now, Effects& fx) {
    matcher_.alerts_covering(v, now, scratch_keys_);
    if (scratch_keys_.empty()) return;
    const std::vector<AlertKey> covering = scratch_keys_;
    const geo::LatLng position = matcher_.volunteers().position(v)->position;
    for (AlertKey slot : covering) {
        Alert& a = alerts_.at(slot_alert_[slot]);
        consider(a, v, geo::haversine_m(position, a.center), reason, now, fx);
    }
}

// Enough accepted: everyone else who got the alert is told they are not needed, and nobody new is called.
void AlertEngine::stand_down_others(Alert& a, Time now, Effects& fx) {
    a.staffed = true;
    a.next_escalation = Alert::kNever;
    a.held.clear();
    std::size_t count = 0;
    for (auto& [v, r] : a.recipients) {
        if (r.accepted || r.stood_down) continue;
        r.stood_down = true;
        ++count;
        fx.notices.push_back(
            Notice{.kind = Notice::Kind::kStandDown, .volunteer = v, .alert = a.number, .alert_version = a.version});
    }
    audit(a, now, AuditKind::kStoodDown, std::nullopt,
          std::to_string(a.accepted) + " accepted, " + std::to_string(count) + " stood down");
}

// Too few accepted in time: widen the ring and call enough new people to cover the shortfall, over-alerting again.
// The new radius is the alert's version (dispatchers see it); earlier recipients get no update, because a wider
// recruiting radius changes nothing they should do. A step that can neither widen (at max_radius_m, or a fixed area)
// nor call anyone ends escalation: the alert then fills only by roaming, replacements and volunteers coming on duty,
// until a withdrawal or a higher responders_wanted reopens it.
void AlertEngine::escalate(Alert& a, Time now, Effects& fx) {
    a.next_escalation = now + a.policy.escalation_timeout;
    if (a.accepted >= a.responders_wanted) return;
    const std::size_t shortfall = a.responders_wanted - a.accepted;
    const double old_radius = a.radius_m;
    if (!a.fixed_area) {
        const double cap_radius = a.policy.max_radius_m > 0 ? a.policy.max_radius_m : a.radius_m;
        a.radius_m = std::max(a.radius_m, std::min(a.radius_m * a.policy.widen_factor, cap_radius));
    }
    const bool widened = a.radius_m != old_radius;
    if (a.policy.max_recipients == 0) {
        a.cap = a.recipients.size() +
                static_cast<std::size_t>(std::ceil(a.policy.over_alert_factor * static_cast<double>(shortfall)));
    }
    if (widened) {
        bump_version(a, now);
        reindex_area(a);
    }
    const std::size_t called = recruit(a, "escalation", now, fx);
    const std::string tally = std::to_string(a.accepted) + "/" + std::to_string(a.responders_wanted) +
                              " accepted; radius " + metres(a.radius_m);
    if (!widened && called == 0) {
        a.next_escalation = Alert::kNever;
        audit(a, now, AuditKind::kEscalated, std::nullopt,
              tally + " at its limit, nobody new in reach: escalation stops");
        return;
    }
    audit(a, now, AuditKind::kEscalated, std::nullopt, tally + ", " + std::to_string(called) + " more called");
    feed(fx, FeedEvent{.kind = FeedEvent::Kind::kEscalation,
                       .alert = a.number,
                       .at = now,
                       .radius_m = a.radius_m,
                       .old_radius_m = old_radius,
                       .count = called});
}

// Missing person: the search ring grows on schedule; everyone already called hears of the wider area, and the
// newly covered volunteers are called.
void AlertEngine::grow_rings(Alert& a, Time now, Effects& fx) {
    if (a.fixed_area) return;
    const double old_radius = a.radius_m;
    bool grew = false;
    while (a.ring_index + 1 < a.policy.rings.size() && a.created_at + a.policy.rings[a.ring_index + 1].after <= now) {
        ++a.ring_index;
        a.radius_m = std::max(a.radius_m, a.policy.rings[a.ring_index].radius_m);
        grew = true;
    }
    if (!grew) return;
    bump_version(a, now);
    reindex_area(a);
    notify_recipients(a, Notice::Kind::kUpdate, fx);
    const std::size_t called = recruit(a, "ring", now, fx);
    audit(a, now, AuditKind::kRingGrew, std::nullopt,
          "radius " + metres(a.radius_m) + ", " + std::to_string(called) + " more called");
    feed(fx, FeedEvent{.kind = FeedEvent::Kind::kEscalation,
                       .alert = a.number,
                       .at = now,
                       .radius_m = a.radius_m,
                       .old_radius_m = old_radius,
                       .count = called});
}

// Matches held for quiet hours are delivered when the window ends, if the volunteer still qualifies: still on duty,
// still inside the area with a fresh position, and the alert still has room.
void AlertEngine::release_held(Alert& a, Time now, Effects& fx) {
    std::vector<VolunteerId> due;
    for (const auto& [v, at] : a.held) {
        if (at <= now) due.push_back(v);
    }
    if (due.empty()) return;
    const geo::Area area = a.area();
    for (VolunteerId v : due) {
        a.held.erase(v);
        const auto fix = matcher_.volunteers().position(v);
        if (!fix || !matcher_.volunteers().is_fresh(v, now) || !matcher_.volunteers().admits(v, a.filter) ||
            !area.contains(fix->position)) {
            continue;
        }
        if (consider(a, v, geo::haversine_m(fix->position, a.center), "after quiet hours", now, fx) ==
            Admit::kDelivered) {
            audit(a, now, AuditKind::kReleased, v, "quiet hours ended");
        }
    }
}

}  // namespace yihu::core
