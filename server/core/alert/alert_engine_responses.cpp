// What volunteers and devices send back: responses, sightings and fixed-location triggers.

#include <algorithm>

#include "core/alert/alert_engine.h"

namespace yihu::core {

Status AlertEngine::respond(AlertNumber n, VolunteerId v, ResponseKind response, Time now, Effects& fx) {
    Status error;
    Alert* a = find_active(n, error);
    if (!a) return error;
    auto it = a->recipients.find(v);
    if (it == a->recipients.end()) return make_error(ErrorCode::kNotRecipient, "this alert was not sent to you");
    Recipient& r = it->second;
    if ((response == ResponseKind::kOnScene || response == ResponseKind::kDone) && !r.accepted) {
        return make_error(ErrorCode::kNotAccepted, "accept the alert before reporting on scene or done");
    }
    if (response == ResponseKind::kWithdraw && !r.accepted) {
        return make_error(ErrorCode::kNotAccepted, "only an accepted responder can withdraw");
    }
    // An accepted responder who declines backs out: that is a withdrawal, and is recorded as one.
    if (response == ResponseKind::kDecline && r.accepted) response = ResponseKind::kWithdraw;
    r.last_response = response;
    r.responded_at = now;
    audit(*a, now, AuditKind::kResponded, v, std::string(to_string(response)), "");
    FeedEvent event{.kind = FeedEvent::Kind::kResponse, .alert = n, .at = now, .volunteer = v, .response = response};

    switch (response) {
        case ResponseKind::kAccept: {
            if (r.accepted) break;  // a repeated accept changes nothing
            r.accepted = true;
            ++a->accepted;
            accepted_by_[v].insert(n);
            // Roles go to the first acceptors, in the policy's order; a freed role goes to the next one.
            if (!a->staffed) {
                for (const std::string& role : a->policy.roles) {
                    const bool taken = std::any_of(a->recipients.begin(), a->recipients.end(), [&](const auto& e) {
                        return e.second.accepted && e.second.role == role;
                    });
                    if (!taken) {
                        r.role = role;
                        audit(*a, now, AuditKind::kRoleAssigned, v, role, "");
                        fx.notices.push_back(Notice{.kind = Notice::Kind::kUpdate,
                                                    .volunteer = v,
                                                    .alert = n,
                                                    .alert_version = a->version,
                                                    .distance_m = r.distance_m,
                                                    .role = role});
                        break;
                    }
                }
            }
            event.role = r.role;
            feed(fx, std::move(event));
            if (a->policy.ask_to_respond && !a->staffed && a->accepted >= a->responders_wanted) {
                stand_down_others(*a, now, fx);
            }
            return Status::Ok();
        }
        case ResponseKind::kWithdraw: {
            // The role frees up. An alert that was staffed and is now short reopens: it calls the next nearest
            // at its current radius (see reopen), never widening at once.
            feed(fx, std::move(event));
            r.accepted = false;
            r.on_scene = r.done = false;
            r.role.clear();
            --a->accepted;
            forget_acceptance(v, n);
            if (a->staffed && a->accepted < a->responders_wanted) {
                reopen(*a, 1, now);
                audit(*a, now, AuditKind::kStaffingLost, v,
                      std::to_string(a->accepted) + "/" + std::to_string(a->responders_wanted) + " accepted", "");
                recruit(*a, "withdrawal", now, fx);
            } else if (!a->staffed) {
                // Already short: one more responder is missing; the escalation timer keeps running.
                grow_cap(*a, 1);
                recruit(*a, "withdrawal", now, fx);
            }
            return Status::Ok();
        }
        case ResponseKind::kDecline: {
            feed(fx, std::move(event));
            // A decline passes the call to the next nearest (GoodSAM's rule), keeping the over-alerted pool full.
            if (a->policy.nearest_first && a->policy.ask_to_respond && !a->staffed && a->policy.max_recipients == 0) {
                ++a->cap;
                recruit(*a, "replacement", now, fx);
            }
            return Status::Ok();
        }
        case ResponseKind::kOnScene:
            r.on_scene = true;
            break;
        case ResponseKind::kDone:
            r.done = true;
            break;
    }
    event.role = r.role;
    feed(fx, std::move(event));
    return Status::Ok();
}

Result<std::uint64_t> AlertEngine::report_sighting(AlertNumber n, VolunteerId reporter, geo::LatLng position,
                                                   std::string text, std::string photo_url, Time now, Effects& fx) {
    Status error;
    Alert* a = find_active(n, error);
    if (!a) return error.error();
    if (auto s = geo::validate(position); !s) return s.error();
    if (!a->recipients.count(reporter)) return make_error(ErrorCode::kNotRecipient, "this alert was not sent to you");
    return record_sighting(*a, reporter, position, std::move(text), std::move(photo_url), now, fx);
}

Result<std::uint64_t> AlertEngine::report_forwarded_sighting(AlertNumber n, VolunteerId reporter, geo::LatLng position,
                                                             std::string text, std::string photo_url, Time now,
                                                             Effects& fx) {
    Status error;
    Alert* a = find_active(n, error);
    if (!a) return error.error();
    if (auto s = geo::validate(position); !s) return s.error();
    return record_sighting(*a, reporter, position, std::move(text), std::move(photo_url), now, fx);
}

std::uint64_t AlertEngine::record_sighting(Alert& alert, VolunteerId reporter, geo::LatLng position, std::string text,
                                           std::string photo_url, Time now, Effects& fx) {
    Alert* a = &alert;
    const AlertNumber n = a->number;
    const std::uint64_t id = next_sighting_++;
    a->sightings.push_back(Sighting{id, reporter, position, std::move(text), std::move(photo_url), now});
    audit(*a, now, AuditKind::kSighting, reporter, "sighting " + std::to_string(id), "");
    feed(fx, FeedEvent{.kind = FeedEvent::Kind::kSighting,
                       .alert = n,
                       .at = now,
                       .volunteer = reporter,
                       .position = position,
                       .sighting = id});
    return id;
}

Status AlertEngine::confirm_sighting(AlertNumber n, std::uint64_t sighting, Time now, Effects& fx,
                                     std::string_view actor) {
    const Alert* a = find(n);
    if (!a) return make_error(ErrorCode::kUnknownAlert, "no such alert");
    auto it =
        std::find_if(a->sightings.begin(), a->sightings.end(), [&](const Sighting& s) { return s.id == sighting; });
    if (it == a->sightings.end()) return make_error(ErrorCode::kInvalidArgument, "no such sighting on this alert");
    return update(n, AlertChange{.center = it->position, .actor = std::string(actor)}, now, fx);
}

std::string device_title(const Device& device) {
    if (device.title.empty()) return device.name;
    std::string out;
    std::string_view rest = device.title;
    constexpr std::string_view kName = "{name}";
    for (std::size_t at; (at = rest.find(kName)) != std::string_view::npos; rest.remove_prefix(at + kName.size())) {
        out.append(rest.substr(0, at));
        out.append(device.name);
    }
    out.append(rest);
    return out;
}

Status AlertEngine::register_device(Device device) {
    if (device.id.empty()) return make_error(ErrorCode::kInvalidArgument, "a device needs an id");
    if (auto s = geo::validate(device.position); !s) return s;
    if (device.responders_wanted == 0) return make_error(ErrorCode::kInvalidArgument, "responders_wanted must be >= 1");
    auto& state = devices_[device.id];
    state.device = std::move(device);
    return Status::Ok();
}

const Device* AlertEngine::device(std::string_view id) const {
    auto it = devices_.find(id);
    return it == devices_.end() ? nullptr : &it->second.device;
}

// A rescue hut's door opened: raise its alert at its own location, unless it already has an open alert raised within
// the merge window (a door banging in the wind, or several people opening it), in which case that alert stands.
Result<AlertNumber> AlertEngine::trigger_device(std::string_view device_id, Time now, Effects& fx, DeviceEvent event) {
    auto it = devices_.find(device_id);
    if (it == devices_.end()) return make_error(ErrorCode::kUnknownDevice, "no such device");
    DeviceState& d = it->second;
    if (event.position) {
        if (auto s = geo::validate(*event.position); !s) return s.error();
        d.device.position = *event.position;
    }
    const std::string actor = "device:" + d.device.id;
    if (d.open_alert && active_.count(*d.open_alert) && now - d.last_trigger <= options_.device_merge_window) {
        d.last_trigger = now;
        Alert& open = alerts_.at(*d.open_alert);
        audit(open, now, AuditKind::kTriggerMerged, std::nullopt, "device " + d.device.id, actor);
        // A bracelet that moved takes its alert along.
        if (event.position && open.center != *event.position) {
            AlertChange move{.center = *event.position, .actor = actor};
            if (auto s = update(*d.open_alert, move, now, fx); !s) return s.error();
        }
        return *d.open_alert;
    }
    AlertSpec spec;
    spec.kind = d.device.kind;
    spec.center = d.device.position;
    spec.responders_wanted = d.device.responders_wanted;
    spec.policy = d.device.policy;
    spec.skills_all = d.device.skills_all;
    spec.team = d.device.team;
    spec.title = device_title(d.device);
    spec.description = event.description.empty() ? "Alarm from " + d.device.name : std::move(event.description);
    spec.created_by = actor;
    spec.device_id = d.device.id;
    Result<AlertNumber> n = create(std::move(spec), now, fx);
    if (n) {
        d.open_alert = *n;
        d.last_trigger = now;
    }
    return n;
}

}  // namespace yihu::core
