// Federation, incoming, on the hub thread (docs/federation.md, "The receiving city" and "Bad input"): one envelope
// from a peer whose link proved who it is. Every envelope gets a FederationAck: accepted (applied, or already held),
// or refused with a code and a reason; neither is ever asked for again, so bad input cannot be retried forever.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/codec/alert_request.h"
#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/hub_result.h"
#include "api/codec/time_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

namespace {

v1::FederationAck refused(v1::ErrorCode code, std::string reason) {
    v1::FederationAck ack;
    ack.set_accepted(false);
    ack.set_code(code);
    ack.set_reason(std::move(reason));
    return ack;
}

v1::FederationAck refused(const core::Error& error) {
    return refused(to_proto(error.code), error.message);
}

v1::FederationAck accepted(std::string reason = {}) {
    v1::FederationAck ack;
    ack.set_accepted(true);
    ack.set_reason(std::move(reason));
    return ack;
}

std::string actor_for(const std::string& origin) {
    return "peer:" + origin;
}

// The origin's alert as a dispatcher's request here: the receiving city's own policy for the kind; no team or
// skills of the origin's (their names mean nothing here); the ring the origin has in force, which the origin's
// updates move.
v1::CreateAlertRequest create_request(const v1::Alert& a, core::Time now) {
    v1::CreateAlertRequest r;
    r.set_kind(a.kind());
    *r.mutable_center() = a.center();
    if (a.has_area()) *r.mutable_area() = a.area();
    r.set_responders_wanted(a.responders_wanted());
    r.set_urgency(a.urgency());
    r.set_severity(a.severity());
    r.set_certainty(a.certainty());
    r.set_title(a.title());
    r.set_description(a.description());
    r.set_instruction(a.instruction());
    r.set_photo_url(a.photo_url());
    r.set_exercise(a.exercise());
    if (a.has_expires_at()) to_proto(from_proto(a.expires_at()) - now, r.mutable_expires_in());
    return r;
}

v1::UpdateAlertRequest update_request(const v1::Alert& a) {
    v1::UpdateAlertRequest r;
    r.set_alert_id(a.id());
    *r.mutable_center() = a.center();
    if (a.has_area()) *r.mutable_area() = a.area();
    r.set_title(a.title());
    r.set_description(a.description());
    r.set_instruction(a.instruction());
    r.set_photo_url(a.photo_url());
    if (a.responders_wanted() > 0) r.set_responders_wanted(a.responders_wanted());
    r.set_urgency(a.urgency());
    r.set_severity(a.severity());
    return r;
}

}  // namespace

Hub::Outcome Hub::on(const v1::ReceivePeerEnvelope& c, const v1::Caller& caller) {
    Outcome out;
    if (caller.role() != v1::CALLER_ROLE_PEER) {
        return {error_result(v1::ERROR_CODE_FORBIDDEN_ROLE, "only a peer link hands the hub envelopes")};
    }
    const v1::PeerEnvelope& env = c.envelope();
    bool changed = false;
    v1::FederationAck ack = receive(env, caller.subject(), changed);
    ack.set_message_id(env.message_id());
    if (!ack.accepted()) {
        metrics_->federation_refused++;
        // The audit of bad input: who sent what, and why it was refused (never the message's positions).
        spdlog::warn("federation: refused message {} from {} (alert {} of {} v{}): {} {}", env.message_id(),
                     caller.subject(), ack.alert_id(), ack.origin(), ack.version(), v1::ErrorCode_Name(ack.code()),
                     ack.reason());
    }
    *out.result.mutable_federation_ack() = std::move(ack);
    // An ack means "held": given after the commit when the message changed anything.
    out.after_commit = changed;
    return out;
}

v1::FederationAck Hub::receive(const v1::PeerEnvelope& env, const std::string& sender, bool& changed) {
    if (env.sender() != sender) {
        return refused(v1::ERROR_CODE_FORBIDDEN_ROLE,
                       "envelope says it is from " + env.sender() + " but the link is " + sender + "'s");
    }
    v1::FederationAck ack;
    switch (env.body_case()) {
        case v1::PeerEnvelope::kAlert: {
            const auto& m = env.alert();
            ack = receive_alert(m.alert(), m.origin(), m.path(), m.version(), sender, changed);
            ack.set_origin(m.origin());
            ack.set_alert_id(m.alert().id());
            ack.set_version(m.version());
            return ack;
        }
        case v1::PeerEnvelope::kUpdate: {
            const auto& m = env.update();
            ack = receive_alert(m.alert(), m.origin(), m.path(), m.version(), sender, changed);
            ack.set_origin(m.origin());
            ack.set_alert_id(m.alert().id());
            ack.set_version(m.version());
            return ack;
        }
        case v1::PeerEnvelope::kCancel:
            ack = receive_cancel(env.cancel(), sender, changed);
            ack.set_origin(env.cancel().origin());
            ack.set_alert_id(env.cancel().alert_id());
            ack.set_version(env.cancel().version());
            return ack;
        case v1::PeerEnvelope::kSighting:
            ack = receive_sighting(env, sender, changed);
            ack.set_origin(env.sighting().alert_origin());
            ack.set_alert_id(env.sighting().sighting().alert_id());
            return ack;
        case v1::PeerEnvelope::kResponseSummary:
            ack = receive_summary(env, sender, changed);
            ack.set_origin(env.response_summary().origin());
            ack.set_alert_id(env.response_summary().alert_id());
            return ack;
        case v1::PeerEnvelope::kHello:
        case v1::PeerEnvelope::kAck:
        case v1::PeerEnvelope::BODY_NOT_SET:
            break;
    }
    return refused(v1::ERROR_CODE_UNKNOWN_MESSAGE_TYPE, "not a message the hub takes (hello and ack stay on the link)");
}

v1::FederationAck Hub::receive_alert(const v1::Alert& alert, const std::string& origin,
                                     const google::protobuf::RepeatedPtrField<std::string>& path, std::uint64_t version,
                                     const std::string& sender, bool& changed) {
    if (origin.empty() || alert.origin() != origin || path.empty() || path[0] != origin) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT, "unknown origin: origin '" + origin + "', alert.origin '" +
                                                            alert.origin() +
                                                            "' and the first city of path must be the same city");
    }
    if (path[path.size() - 1] != sender) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT, "path must end with the sending city " + sender);
    }
    if (std::find(path.begin(), path.end(), options_.city) != path.end()) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT,
                       "path already names " + options_.city + ": the alert came round in a loop");
    }
    if (version == 0 || alert.version() != version) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT, "version must be set and equal alert.version");
    }
    if (!alert.id().starts_with(origin + "-")) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT,
                       "alert id " + alert.id() + " was not assigned by its origin " + origin);
    }
    const core::Time t = now();
    const core::Alert* held = engine_.find(alert.id());
    if (held) {
        AlertExtras& x = extras_[held->number];
        v1::StoredFederation& f = x.federation;
        if (f.received_from().empty()) {
            return refused(v1::ERROR_CODE_FORBIDDEN_ROLE, "alert " + alert.id() + " was created here");
        }
        if (x.origin != origin) {
            return refused(v1::ERROR_CODE_FORBIDDEN_ROLE, "alert " + alert.id() + " is " + x.origin + "'s");
        }
        // Offered by a second neighbour (a triangle): held already; its versions come the way it first came.
        if (f.received_from() != sender) return accepted("held through " + f.received_from());
        if (version == f.origin_version()) return accepted("duplicate");
        if (version < f.origin_version()) {
            return refused(v1::ERROR_CODE_CONFLICT, "version " + std::to_string(version) +
                                                        " is older than the version held, " +
                                                        std::to_string(f.origin_version()));
        }
        if (held->state != core::AlertState::kActive) return accepted("closed here already");
        if (alert.state() != v1::ALERT_STATE_ACTIVE) return accepted("closed at the origin; the cancel closes it");
        auto change = to_change(update_request(alert));
        if (!change) return refused(change.error());
        if (!alert.has_area()) change->change.radius_m = alert.current_radius_m();
        change->change.actor = actor_for(origin);
        const core::AlertNumber number = held->number;
        const AlertExtras before = x;
        if (change->instruction) x.instruction = *change->instruction;
        if (change->urgency) x.urgency = *change->urgency;
        if (change->severity) x.severity = *change->severity;
        f.set_origin_version(version);
        core::Effects fx;
        if (auto s = engine_.update(number, change->change, t, fx); !s) {
            x = before;
            return refused(s.error());
        }
        apply(fx, t);
        changed = true;
        return accepted();
    }
    // Held here once and closed: it left memory, its record stays (hub_stored_alerts.cpp); never raised again.
    auto stored = store_->find_alert(alert.id());
    if (!stored) return refused(v1::ERROR_CODE_UNAVAILABLE, "the store cannot be read: " + stored.error().message);
    if (*stored) return accepted("closed here already");
    if (alert.state() != v1::ALERT_STATE_ACTIVE) return accepted("closed before it reached " + options_.city);
    if (alert.has_expires_at() && from_proto(alert.expires_at()) <= t) {
        return accepted("expired before it reached " + options_.city);
    }
    auto params = to_spec(create_request(alert, t), skills_, teams_);
    if (!params) return refused(params.error());
    params->spec.id = alert.id();
    params->spec.created_by = actor_for(origin);
    if (!alert.has_area() && alert.current_radius_m() > 0) params->spec.radius_m = alert.current_radius_m();
    // The origin's ring is in force here: its growth arrives as updates, not from a schedule of this city's.
    if (params->spec.policy) params->spec.policy->rings.clear();
    params->extras.origin = origin;
    params->extras.shared = false;
    v1::StoredFederation& f = params->extras.federation;
    f.set_received_from(sender);
    for (const std::string& city : path) f.add_path(city);
    f.set_origin_version(version);
    core::Effects fx;
    auto number = engine_.create(std::move(params->spec), t, fx);
    if (!number) return refused(number.error());
    extras_[*number] = std::move(params->extras);
    metrics_->alerts_active = static_cast<std::int64_t>(engine_.active().size());
    spdlog::info("federation: received {} v{} of {} from {}", alert.id(), version, origin, sender);
    apply(fx, t);
    changed = true;
    return accepted();
}

v1::FederationAck Hub::receive_cancel(const v1::FederatedCancel& m, const std::string& sender, bool& changed) {
    if (m.path().empty() || m.path(0) != m.origin() || m.path(m.path_size() - 1) != sender) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT, "unknown origin: path must run from the origin to " + sender);
    }
    if (std::find(m.path().begin(), m.path().end(), options_.city) != m.path().end()) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT, "path already names " + options_.city);
    }
    const core::Alert* held = engine_.find(m.alert_id());
    if (!held) return accepted("not held here");  // it never reached us, or it was refused: nothing to close
    AlertExtras& x = extras_[held->number];
    v1::StoredFederation& f = x.federation;
    if (f.received_from().empty() || x.origin != m.origin()) {
        return refused(v1::ERROR_CODE_FORBIDDEN_ROLE,
                       "alert " + m.alert_id() + " is not " + m.origin() + "'s alert held here");
    }
    if (f.received_from() != sender) return accepted("held through " + f.received_from());
    if (held->state != core::AlertState::kActive) return accepted("duplicate");
    if (m.version() < f.origin_version()) {
        return refused(v1::ERROR_CODE_CONFLICT, "cancel of version " + std::to_string(m.version()) +
                                                    " is older than the version held, " +
                                                    std::to_string(f.origin_version()));
    }
    auto state = from_proto(m.final_state());
    // The origin's own expiry is a close like any other here.
    core::AlertState final_state = core::AlertState::kCancelled;
    if (state && (*state == core::AlertState::kResolved || *state == core::AlertState::kResolvedFound)) {
        final_state = *state;
    }
    if (auto s = check_text("reason", m.reason(), kMaxDescription); !s) return refused(s.error());
    const core::Time t = now();
    f.set_origin_version(m.version());
    x.closed_by = actor_for(m.origin());
    core::Effects fx;
    if (auto s = engine_.close(held->number, final_state, m.reason(), t, fx, actor_for(m.origin())); !s) {
        return refused(s.error());
    }
    apply(fx, t);
    changed = true;
    return accepted();
}

v1::FederationAck Hub::receive_sighting(const v1::PeerEnvelope& env, const std::string& sender, bool& changed) {
    const v1::FederatedSighting& m = env.sighting();
    if (m.path().empty() || m.path(0) != m.reported_in() || m.path(m.path_size() - 1) != sender) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT, "path must run from the reporting city to " + sender);
    }
    const core::Alert* held = engine_.find(m.sighting().alert_id());
    if (!held) return refused(v1::ERROR_CODE_NOT_FOUND, "no alert " + m.sighting().alert_id());
    AlertExtras& x = extras_[held->number];
    v1::StoredFederation& f = x.federation;
    if (x.origin != m.alert_origin()) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT,
                       "alert " + held->id + " is " + x.origin + "'s, not " + m.alert_origin() + "'s");
    }
    if (!f.sent().contains(sender)) {
        return refused(v1::ERROR_CODE_FORBIDDEN_ROLE, "alert " + held->id + " was never forwarded to " + sender);
    }
    if (!f.received_from().empty()) {
        // Not ours: pass it on towards the origin.
        v1::PeerEnvelope on;
        *on.mutable_sighting() = m;
        on.mutable_sighting()->add_path(options_.city);
        enqueue_peer(f.received_from(), std::move(on));
        changed = true;
        return accepted("passed on to " + f.received_from());
    }
    const std::string key = m.reported_in() + "/" + m.sighting().id();
    if (std::find(f.peer_sightings().begin(), f.peer_sightings().end(), key) != f.peer_sightings().end()) {
        return accepted("duplicate");
    }
    auto where = from_proto(m.sighting().position().location());
    if (!where) return refused(where.error());
    if (auto s = check_text("text", m.sighting().text(), kMaxSightingText); !s) return refused(s.error());
    if (auto s = check_url("photo_url", m.sighting().photo_url()); !s) return refused(s.error());
    const core::Time t = now();
    core::Effects fx;
    // The reporter is the city: its volunteer's id stays there.
    const core::VolunteerId reporter = volunteers_.intern(actor_for(m.reported_in()));
    auto id = engine_.report_forwarded_sighting(held->number, reporter, *where, m.sighting().text(),
                                                m.sighting().photo_url(), t, fx);
    if (!id) return refused(id.error());
    f.add_peer_sightings(key);
    apply(fx, t);
    changed = true;
    return accepted();
}

v1::FederationAck Hub::receive_summary(const v1::PeerEnvelope& env, const std::string& sender, bool& changed) {
    const v1::FederatedResponseSummary& m = env.response_summary();
    const core::Alert* held = engine_.find(m.alert_id());
    if (!held) return refused(v1::ERROR_CODE_NOT_FOUND, "no alert " + m.alert_id());
    AlertExtras& x = extras_[held->number];
    v1::StoredFederation& f = x.federation;
    if (x.origin != m.origin()) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT, "alert " + held->id + " is " + x.origin + "'s");
    }
    if (!f.sent().contains(sender)) {
        return refused(v1::ERROR_CODE_FORBIDDEN_ROLE, "alert " + held->id + " was never forwarded to " + sender);
    }
    if (m.reporter().empty() || m.reporter() == options_.city) {
        return refused(v1::ERROR_CODE_INVALID_ARGUMENT, "reporter must name another city");
    }
    if (!f.received_from().empty()) {
        v1::PeerEnvelope on;
        *on.mutable_response_summary() = m;
        enqueue_peer(f.received_from(), std::move(on));
        changed = true;
        return accepted("passed on to " + f.received_from());
    }
    const std::int64_t as_of = core::to_ms(from_proto(m.as_of()));
    auto known = f.peer_counts_at_ms().find(m.reporter());
    if (known != f.peer_counts_at_ms().end() && known->second >= as_of) return accepted("duplicate or older");
    (*f.mutable_peer_counts())[m.reporter()] = m.counts();
    (*f.mutable_peer_counts_at_ms())[m.reporter()] = as_of;
    persist_alert(held->number, {});
    // The dispatchers watching see the neighbour's figures at once (sent after the commit, like every feed event).
    v1::LiveFeedEvent event;
    to_proto(now(), event.mutable_at());
    v1::PeerCounts* pc = event.mutable_peer_counts();
    pc->set_city(m.reporter());
    *pc->mutable_counts() = m.counts();
    *pc->mutable_as_of() = m.as_of();
    publish_feed(held->id, std::move(event));
    changed = true;
    return accepted();
}

}  // namespace yihu::api
