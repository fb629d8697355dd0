#include "core/alert/alert_engine.h"

#include <algorithm>
#include <cmath>

#include "core/alert/alert_spec_check.h"

namespace yihu::core {

AlertEngine::AlertEngine(EngineOptions options) : options_(std::move(options)), matcher_(options_.index) {}

// --- Volunteers ---

Status AlertEngine::update_position(VolunteerId v, geo::LatLng position, double accuracy_m, Time now, Effects& fx) {
    if (Status s = matcher_.update_position(v, position, accuracy_m, now, scratch_keys_); !s) return s;
    const std::vector<AlertKey> entered = scratch_keys_;
    for (AlertKey slot : entered) {
        Alert& a = alerts_.at(slot_alert_[slot]);
        consider(a, v, geo::haversine_m(position, a.center), "roaming", now, fx);
    }
    if (auto it = accepted_by_.find(v); it != accepted_by_.end()) {
        for (AlertNumber n : it->second) {
            feed(fx, FeedEvent{.kind = FeedEvent::Kind::kResponderPosition,
                               .alert = n,
                               .at = now,
                               .volunteer = v,
                               .position = position});
        }
    }
    return Status::Ok();
}

void AlertEngine::set_profile(VolunteerId v, VolunteerProfile profile, Time now, Effects& fx) {
    matcher_.volunteers().set_profile(v, std::move(profile));
    offer_covering_alerts(v, "profile changed", now, fx);
}

void AlertEngine::set_availability(VolunteerId v, Availability availability, Time now, Effects& fx) {
    matcher_.volunteers().set_availability(v, availability);
    if (availability == Availability::kOnDuty) offer_covering_alerts(v, "came on duty", now, fx);
}

void AlertEngine::set_quiet_hours(VolunteerId v, std::optional<QuietHours> quiet) {
    if (quiet && !quiet->empty()) {
        quiet_[v] = *quiet;
    } else {
        quiet_.erase(v);
    }
}

void AlertEngine::forget_position(VolunteerId v) {
    matcher_.volunteers().remove_position(v);
}

bool AlertEngine::in_quiet_hours(VolunteerId v, Time now) const {
    auto it = quiet_.find(v);
    return it != quiet_.end() && it->second.contains(now);
}

// --- Alerts ---

Result<AlertNumber> AlertEngine::create(AlertSpec spec, Time now, Effects& fx) {
    AlertPolicy policy = spec.policy ? *spec.policy : default_policy(spec.kind);
    if (Status s = check_alert_spec(spec, policy); !s) return s.error();
    if (!spec.id.empty() && by_id_.count(spec.id)) {
        return make_error(ErrorCode::kConflict, "an alert with this id already exists");
    }

    const AlertNumber number = next_number_++;
    Alert& a = alerts_[number];
    a.number = number;
    a.id = spec.id.empty() ? options_.id_prefix + "-" + std::to_string(number) : spec.id;
    a.kind = spec.kind;
    a.center = spec.center;
    a.fixed_area = spec.area;
    a.radius_m = spec.radius_m.value_or(policy.rings.empty() ? policy.default_radius_m : policy.rings.front().radius_m);
    a.filter = VolunteerFilter{.skills_any = policy.skills_any,
                               .skills_all = spec.skills_all,
                               .min_tier = policy.min_tier,
                               .on_duty_only = true,
                               .team = spec.team};
    a.responders_wanted = spec.responders_wanted;
    if (policy.nearest_first) {
        a.cap = policy.max_recipients > 0
                    ? policy.max_recipients
                    : static_cast<std::size_t>(std::ceil(policy.over_alert_factor * spec.responders_wanted));
    } else {
        a.cap = policy.max_recipients;
    }
    if (policy.nearest_first && policy.ask_to_respond && policy.escalation_timeout.count() > 0) {
        a.next_escalation = now + policy.escalation_timeout;
    }
    a.policy = std::move(policy);
    a.title = std::move(spec.title);
    a.description = std::move(spec.description);
    a.photo_url = std::move(spec.photo_url);
    a.created_by = std::move(spec.created_by);
    a.device_id = std::move(spec.device_id);
    a.created_at = a.updated_at = now;
    a.expires_at = now + a.policy.lifetime;
    by_id_[a.id] = number;
    active_.insert(number);
    reindex_area(a);

    audit(a, now, AuditKind::kCreated, std::nullopt,
          std::string(to_string(a.kind)) + ", " + std::to_string(a.responders_wanted) + " wanted, radius " +
              std::to_string(static_cast<long>(a.radius_m)) + " m" + (a.fixed_area ? " (fixed area)" : ""),
          a.created_by.empty() ? kActorSystem : std::string_view(a.created_by));
    feed(fx, FeedEvent{.kind = FeedEvent::Kind::kStateChange, .alert = number, .at = now, .state = a.state});
    recruit(a, "initial", now, fx);
    return number;
}

Status AlertEngine::update(AlertNumber n, const AlertChange& change, Time now, Effects& fx) {
    Status error;
    Alert* a = find_active(n, error);
    if (!a) return error;
    if (change.expected_version && *change.expected_version != a->version) {
        return make_error(ErrorCode::kConflict, "alert is at version " + std::to_string(a->version));
    }
    if (Status s = check_alert_change(*a, change); !s) return s;

    std::vector<std::string> what;
    if (change.center) {
        a->center = *change.center;
        what.push_back("new last-seen place");
    }
    if (change.area) {
        a->fixed_area = change.area;
        what.push_back("new area");
    }
    if (change.radius_m) {
        a->radius_m = *change.radius_m;
        a->fixed_area.reset();
        what.push_back("radius " + std::to_string(static_cast<long>(*change.radius_m)) + " m");
    }
    if (change.title) a->title = *change.title, what.push_back("title");
    if (change.description) a->description = *change.description, what.push_back("description");
    if (change.photo_url) a->photo_url = *change.photo_url, what.push_back("photo");
    if (change.responders_wanted) {
        a->responders_wanted = *change.responders_wanted;
        what.push_back("responders wanted " + std::to_string(a->responders_wanted));
    }
    std::string summary;
    for (const auto& w : what) summary += (summary.empty() ? "" : ", ") + w;

    bump_version(*a, now);
    reindex_area(*a);
    audit(*a, now, AuditKind::kUpdated, std::nullopt, summary, change.actor);
    feed(fx, FeedEvent{.kind = FeedEvent::Kind::kUpdated, .alert = n, .at = now});
    notify_recipients(*a, Notice::Kind::kUpdate, fx);

    if (change.responders_wanted && a->policy.ask_to_respond) {
        if (a->accepted >= a->responders_wanted && !a->staffed) {
            stand_down_others(*a, now, fx);
        } else if (a->accepted < a->responders_wanted && a->staffed) {
            reopen(*a, a->responders_wanted - a->accepted, now);
            audit(*a, now, AuditKind::kStaffingLost, std::nullopt, "more responders wanted", change.actor);
        }
    }
    if (!a->staffed) recruit(*a, "area changed", now, fx);
    return Status::Ok();
}

Status AlertEngine::close(AlertNumber n, AlertState final_state, std::string message, Time now, Effects& fx,
                          std::string_view actor) {
    if (final_state == AlertState::kActive || final_state == AlertState::kExpired) {
        return make_error(ErrorCode::kInvalidArgument, "an alert is closed as found, resolved or cancelled");
    }
    Status error;
    Alert* a = find_active(n, error);
    if (!a) return error;
    finish(*a, final_state, std::move(message), now, fx, actor);
    return Status::Ok();
}

void AlertEngine::finish(Alert& a, AlertState final_state, std::string message, Time now, Effects& fx,
                         std::string_view actor) {
    a.state = final_state;
    a.closing_message = std::move(message);
    a.closed_at = now;
    a.next_escalation = Alert::kNever;
    a.held.clear();
    bump_version(a, now);
    for (auto& [v, r] : a.recipients) {
        if (r.closed_notified) continue;
        r.closed_notified = true;
        fx.notices.push_back(
            Notice{.kind = Notice::Kind::kClosed, .volunteer = v, .alert = a.number, .alert_version = a.version});
    }
    for (const auto& [v, r] : a.recipients) {
        if (r.accepted) forget_acceptance(v, a.number);
    }
    active_.erase(a.number);
    if (auto it = alert_slot_.find(a.number); it != alert_slot_.end()) {
        matcher_.alert_areas().erase(it->second);
        free_slots_.push_back(it->second);
        alert_slot_.erase(it);
    }
    audit(a, now, AuditKind::kStateChanged, std::nullopt,
          std::string(to_string(final_state)) + (a.closing_message.empty() ? "" : ": " + a.closing_message), actor);
    feed(fx, FeedEvent{.kind = FeedEvent::Kind::kStateChange, .alert = a.number, .at = now, .state = final_state});
}

// --- Helpers ---

Alert* AlertEngine::find_active(AlertNumber n, Status& error) {
    auto it = alerts_.find(n);
    if (it == alerts_.end()) {
        error = make_error(ErrorCode::kUnknownAlert, "no such alert");
        return nullptr;
    }
    if (is_closed(it->second.state)) {
        error = make_error(ErrorCode::kAlertClosed, "alert is closed");
        return nullptr;
    }
    return &it->second;
}

const Alert* AlertEngine::find(AlertNumber n) const {
    auto it = alerts_.find(n);
    return it == alerts_.end() ? nullptr : &it->second;
}

const Alert* AlertEngine::find(std::string_view id) const {
    auto it = by_id_.find(std::string(id));
    return it == by_id_.end() ? nullptr : find(it->second);
}

Status AlertEngine::note(AlertNumber number, Time now, AuditKind kind, std::string reason, std::string_view actor) {
    auto it = alerts_.find(number);
    if (it == alerts_.end()) return make_error(ErrorCode::kUnknownAlert, "no alert " + std::to_string(number));
    audit(it->second, now, kind, std::nullopt, std::move(reason), actor);
    return Status::Ok();
}

void AlertEngine::audit(Alert& a, Time now, AuditKind kind, std::optional<VolunteerId> v, std::string reason,
                        std::string_view actor) {
    a.audit.push_back(AuditEntry{.at = now,
                                 .kind = kind,
                                 .volunteer = v,
                                 .reason = std::move(reason),
                                 .alert_version = a.version,
                                 .actor = std::string(actor)});
}

// The alert is short of responders again (a withdrawal, more wanted): it is no longer staffed, a nearest-first
// alert may call ceil(over_alert_factor) more volunteers per missing responder at its current radius, and its
// escalation timer starts again from now. Volunteers already stood down are not asked again.
void AlertEngine::reopen(Alert& a, std::size_t missing, Time now) {
    a.staffed = false;
    grow_cap(a, missing);
    if (a.policy.nearest_first && a.policy.ask_to_respond && a.policy.escalation_timeout.count() > 0) {
        a.next_escalation = now + a.policy.escalation_timeout;
    }
}

void AlertEngine::grow_cap(Alert& a, std::size_t missing) {
    if (!a.policy.nearest_first || !a.policy.ask_to_respond || a.policy.max_recipients != 0) return;
    a.cap = std::max(a.cap, a.recipients.size()) +
            static_cast<std::size_t>(std::ceil(a.policy.over_alert_factor * static_cast<double>(missing)));
}

void AlertEngine::feed(Effects& fx, FeedEvent event) {
    fx.feed.push_back(std::move(event));
}

void AlertEngine::bump_version(Alert& a, Time now) {
    ++a.version;
    a.updated_at = now;
}

void AlertEngine::reindex_area(Alert& a) {
    AlertKey slot;
    if (auto it = alert_slot_.find(a.number); it != alert_slot_.end()) {
        slot = it->second;
    } else if (!free_slots_.empty()) {
        slot = free_slots_.back();
        free_slots_.pop_back();
    } else {
        slot = static_cast<AlertKey>(slot_alert_.size());
        slot_alert_.push_back(0);
    }
    alert_slot_[a.number] = slot;
    slot_alert_[slot] = a.number;
    matcher_.alert_areas().upsert(slot, a.area(), a.filter);
}

void AlertEngine::forget_acceptance(VolunteerId v, AlertNumber a) {
    if (auto it = accepted_by_.find(v); it != accepted_by_.end()) {
        it->second.erase(a);
        if (it->second.empty()) accepted_by_.erase(it);
    }
}

void AlertEngine::notify_recipients(Alert& a, Notice::Kind kind, Effects& fx) {
    for (const auto& [v, r] : a.recipients) {
        fx.notices.push_back(Notice{.kind = kind,
                                    .volunteer = v,
                                    .alert = a.number,
                                    .alert_version = a.version,
                                    .distance_m = r.distance_m,
                                    .role = r.role});
    }
}

}  // namespace yihu::core
