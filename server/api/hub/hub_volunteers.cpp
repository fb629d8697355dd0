// The volunteer protocol on the hub thread: sessions, positions, availability, acks, answers and sightings.

#include <spdlog/spdlog.h>

#include "api/codec/alert_request.h"
#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/time_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

using core::ErrorCode;

Hub::VolunteerState& Hub::volunteer(core::VolunteerId v) {
    return volunteers_state_[v];
}

void Hub::set_quiet_hours(core::VolunteerId v, VolunteerState& state, bool quiet) {
    // QUIET_HOURS is modelled as a window covering the whole day (the phone says when its schedule starts and ends).
    engine_.set_quiet_hours(v, quiet ? std::optional(core::QuietHours{0, 1440, 0}) : std::nullopt);
    state.quiet_hours = quiet;
}

void Hub::reply(const Session& s, std::uint64_t request_id, v1::ServerMessage message) {
    message.set_request_id(request_id);
    // Replies wait for the batch like pushes do, so a reply never overtakes a push it refers to.
    after_commit([s, message = std::move(message)](bool durable) {
        if (durable) {
            send(s, message);
        } else {
            v1::ServerMessage error;
            error.set_request_id(message.request_id());
            error.mutable_error()->set_code(v1::ERROR_CODE_UNAVAILABLE);
            error.mutable_error()->set_message("the server could not store this; try again");
            send(s, error);
        }
    });
}

void Hub::reply_error(const Session& s, std::uint64_t request_id, v1::ErrorCode code, std::string message, bool fatal) {
    metrics_->protocol_errors++;
    v1::ServerMessage m;
    m.set_request_id(request_id);
    m.mutable_error()->set_code(code);
    m.mutable_error()->set_message(std::move(message));
    m.mutable_error()->set_fatal(fatal);
    send(s, m);  // errors change nothing: no need to wait for the batch
    if (fatal) s.connection->close(net::close_code::kPolicyViolation, v1::ErrorCode_Name(code));
}

void Hub::reply_error(const Session& s, std::uint64_t request_id, const core::Error& error) {
    reply_error(s, request_id, to_proto(error.code), error.message);
}

void Hub::reply_absent(const Session& s, std::uint64_t request_id, const std::string& alert_id) {
    const v1::HubResult answer = absent_alert(alert_id);
    reply_error(s, request_id, answer.error().code(), answer.error().message());
}

void Hub::volunteer_hello(const Session& s, const Claims& claims, const v1::Hello& hello, std::uint64_t request_id) {
    // The replay below reads the history from the store: it must hold every push sequenced so far.
    if (!batch_.deliveries.empty()) commit();
    const core::Time t = now();
    const core::VolunteerId v = volunteers_.intern(claims.subject);
    VolunteerState& state = volunteer(v);
    if (state.session && state.session->id != s.id) {
        // One live session per volunteer: the newer connection wins. The same copy of the app resuming (it
        // reconnected before its old socket was seen to close, as in a reconnect storm after a failover) is not
        // told it was replaced by itself: that error is fatal, and the app would stop reconnecting.
        if (!hello.instance_id().empty() && hello.instance_id() == state.instance_id) {
            state.session->connection->close(net::close_code::kNormal, "resumed on a newer connection");
        } else {
            v1::ServerMessage m;
            m.mutable_error()->set_code(v1::ERROR_CODE_SESSION_REPLACED);
            m.mutable_error()->set_message("this volunteer connected again elsewhere");
            m.mutable_error()->set_fatal(true);
            send(*state.session, m);
            state.session->connection->close(net::close_code::kPolicyViolation, "SESSION_REPLACED");
        }
        metrics_->volunteers_connected--;
    }
    if (!state.session || state.session->id != s.id) metrics_->volunteers_connected++;
    state.session = s;
    state.instance_id = hello.instance_id();  // at most kMaxInstanceId bytes: the gateway refuses longer
    ledger_.connect(v, s.id);

    auto granted = skills_.set_of(claims.skills);
    if (!granted) {
        reply_error(s, request_id, v1::ERROR_CODE_UNAUTHENTICATED, "token skills: " + granted.error().message, true);
        return;
    }
    state.granted_skills = *granted;
    core::Effects fx;
    core::VolunteerProfile profile = state.profile;
    profile.skills = state.known ? (profile.skills & *granted) : *granted;
    if (profile.skills == 0) profile.skills = *granted;
    profile.tier = claims.tier;
    profile.teams.clear();
    for (const auto& team : claims.teams) profile.teams.push_back(teams_.intern(team));
    if (!state.known) profile.availability = core::Availability::kOffDuty;  // until the phone says otherwise
    switch (hello.availability()) {
        case v1::AVAILABILITY_ON_DUTY:
            profile.availability = core::Availability::kOnDuty;
            set_quiet_hours(v, state, false);
            break;
        case v1::AVAILABILITY_OFF_DUTY:
            profile.availability = core::Availability::kOffDuty;
            break;
        case v1::AVAILABILITY_QUIET_HOURS:
            profile.availability = core::Availability::kOnDuty;
            set_quiet_hours(v, state, true);
            break;
        default:
            break;
    }
    // Welcome first, then what was missed, then anything new: replies are after-commit actions, which run before
    // the batch's pushes are sent, and the replayed and fresh pushes are queued in seq order. What was missed is
    // settled before the Hello's position counts, so an alert that position calls for now is pushed once, as new,
    // and not a second time as an open alert to re-send.
    const std::uint64_t current_seq = ledger_.cursor(v).last_seq;
    bool recovered = false;
    resume(v, hello, recovered);
    if (hello.has_position()) {
        auto p = from_proto(hello.position().location());
        if (p && hello.position().accuracy_m() >= 0) {
            // Set the position before the profile, so the profile's offer of covering alerts sees where they are.
            (void)engine_.update_position(v, *p, hello.position().accuracy_m(), t, fx);
            metrics_->position_updates++;
        }
    }
    state.profile = profile;
    state.known = true;

    v1::ServerMessage welcome;
    auto* w = welcome.mutable_welcome();
    w->set_volunteer_id(claims.subject);
    w->set_node_id(options_.node_id);
    to_proto(t, w->mutable_server_time());
    w->set_current_seq(current_seq);
    w->set_epoch(store_->epoch());
    w->set_recovered(recovered);
    to_proto(options_.heartbeat_interval, w->mutable_heartbeat_interval());
    to_proto(options_.position_interval, w->mutable_position_interval());
    w->set_tier(to_proto(claims.tier));
    for (const auto& name : claims.skills) w->add_skills(name);
    for (const auto& team : claims.teams) w->add_teams(team);
    reply(s, request_id, std::move(welcome));
    engine_.set_profile(v, profile, t, fx);
    apply(fx, t);
    mark_standby(v);
}

// Replays pushes after hello.last_seq if the history still holds all of them; otherwise re-sends every alert still
// open for this volunteer as a fresh push (the phone was told to drop its cache by recovered = false).
void Hub::resume(core::VolunteerId v, const v1::Hello& hello, bool& recovered) {
    const std::uint64_t last = hello.last_seq();
    recovered = ledger_.can_replay(v, last, hello.last_epoch() == store_->epoch());
    if (recovered && last < ledger_.cursor(v).last_seq) {
        auto records = store_->deliveries_after(volunteers_.name(v), last, ledger_.replay_limit() + 1);
        std::optional<std::size_t> replayed;
        if (records) {
            replayed = ledger_.replay(v, last, std::move(*records), [&](const std::string& alert_id) {
                const core::Alert* a = engine_.find(alert_id);
                return a ? a->number : core::AlertNumber{0};
            });
        }
        recovered = replayed.has_value();
        if (replayed) metrics_->replayed += *replayed;
    }
    if (recovered) return;
    const core::Time t = now();
    for (core::AlertNumber n : engine_.active()) {
        const core::Alert* a = engine_.find(n);
        auto it = a->recipients.find(v);
        if (it == a->recipients.end()) continue;
        enqueue_push(v, *a, v1::DELIVERY_KIND_ALERT,
                     PushEnvelope{.distance_m = it->second.distance_m,
                                  .response_requested = a->policy.ask_to_respond && !it->second.stood_down},
                     t);
        persist_alert(n, {v});
    }
}

void Hub::acknowledge(core::VolunteerId v, const Session& s, std::uint64_t request_id, std::uint64_t seq) {
    const core::Time t = now();
    DeliveryLedger::AckResult result = ledger_.ack(v, seq);
    if (result.beyond_last) {
        reply_error(s, request_id, v1::ERROR_CODE_INVALID_ARGUMENT,
                    "ack of seq " + std::to_string(seq) + " beyond the last sent " +
                        std::to_string(ledger_.cursor(v).last_seq));
        return;
    }
    if (result.advanced) batch_.acks.emplace_back(volunteers_.name(v), seq);
    metrics_->acks++;
    for (const LedgerPush& u : result.acked) {
        if (metrics_->observe_ack_latency) {
            metrics_->observe_ack_latency(std::chrono::duration<double>(t - u.sent_at).count());
        }
        // An alert that left memory (closed) keeps the marks it had when it closed.
        if (u.kind == v1::DELIVERY_KIND_ALERT && u.alert != 0 && engine_.find(u.alert)) {
            DeliveryMarks& mark = marks_[u.alert][v];
            if (mark.acked_at == core::Time{}) {
                mark.acked_at = t;
                report_delivery(v, u, mark, t, false);
                acked_unwritten_[u.alert].insert(v);
            }
        }
    }
    if (request_id != 0) {
        v1::ServerMessage ok;
        ok.mutable_ok();
        reply(s, request_id, std::move(ok));
    }
}

void Hub::volunteer_closed(const std::string& subject, std::uint64_t session_id) {
    auto v = volunteers_.find(subject);
    if (!v) return;
    VolunteerState& state = volunteer(*v);
    if (!state.session || state.session->id != session_id) return;  // replaced already
    state.session.reset();
    ledger_.disconnect(*v, session_id);
    metrics_->volunteers_connected--;
    // The position stays until it ages out: a phone that dropped off a tunnel's mobile signal is still there.
}

void Hub::volunteer_message(const Session& s, const std::string& subject, const v1::ClientMessage& m) {
    const core::Time t = now();
    auto found = volunteers_.find(subject);
    if (!found) return;
    const core::VolunteerId v = *found;
    VolunteerState& state = volunteer(v);
    if (!state.session || state.session->id != s.id) return;  // a replaced session's late frames
    const std::uint64_t rid = m.request_id();
    core::Effects fx;
    auto ok = [&](std::string id = {}, std::string role = {}) {
        if (rid == 0) return;
        v1::ServerMessage r;
        r.mutable_ok()->set_id(std::move(id));
        r.mutable_ok()->set_role(std::move(role));
        reply(s, rid, std::move(r));
    };
    switch (m.body_case()) {
        case v1::ClientMessage::kPosition: {
            const v1::Position& p = m.position().position();
            auto where = from_proto(p.location());
            if (!m.position().has_position() || !where) {
                reply_error(s, rid, v1::ERROR_CODE_INVALID_COORDINATES,
                            where ? "position: required" : "position: " + where.error().message);
                return;
            }
            if (!(p.accuracy_m() >= 0) || !std::isfinite(p.accuracy_m())) {
                reply_error(s, rid, v1::ERROR_CODE_INVALID_COORDINATES, "accuracy_m: must be finite and >= 0");
                return;
            }
            const auto started = std::chrono::steady_clock::now();
            if (auto st = engine_.update_position(v, *where, p.accuracy_m(), t, fx); !st) {
                reply_error(s, rid, st.error());
                return;
            }
            if (metrics_->observe_match_latency) {
                metrics_->observe_match_latency(
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
            }
            metrics_->position_updates++;
            mark_standby(v);
            ok();
            break;
        }
        case v1::ClientMessage::kAvailability: {
            switch (m.availability().availability()) {
                case v1::AVAILABILITY_ON_DUTY:
                    set_quiet_hours(v, state, false);
                    engine_.set_availability(v, core::Availability::kOnDuty, t, fx);
                    break;
                case v1::AVAILABILITY_OFF_DUTY:
                    engine_.set_availability(v, core::Availability::kOffDuty, t, fx);
                    break;
                case v1::AVAILABILITY_QUIET_HOURS:
                    set_quiet_hours(v, state, true);
                    engine_.set_availability(v, core::Availability::kOnDuty, t, fx);
                    break;
                default:
                    reply_error(s, rid, v1::ERROR_CODE_INVALID_ARGUMENT, "availability: required");
                    return;
            }
            state.profile.availability = m.availability().availability() == v1::AVAILABILITY_OFF_DUTY
                                             ? core::Availability::kOffDuty
                                             : core::Availability::kOnDuty;
            mark_standby(v);
            ok();
            break;
        }
        case v1::ClientMessage::kSkills: {
            core::SkillSet offered = state.granted_skills;
            if (m.skills().skills_size() > 0) {
                offered = 0;
                for (const std::string& name : m.skills().skills()) {
                    auto bit = skills_.find(name);
                    if (!bit || (*bit & state.granted_skills) == 0) {
                        reply_error(s, rid, v1::ERROR_CODE_FORBIDDEN_ROLE, "skill not granted by the token: " + name);
                        return;
                    }
                    offered |= *bit;
                }
            }
            state.profile.skills = offered;
            engine_.set_profile(v, state.profile, t, fx);
            mark_standby(v);
            ok();
            break;
        }
        case v1::ClientMessage::kAck:
            acknowledge(v, s, rid, m.ack().seq());
            return;
        case v1::ClientMessage::kRespond: {
            const core::Alert* a = engine_.find(m.respond().alert_id());
            if (!a) {
                reply_absent(s, rid, m.respond().alert_id());
                return;
            }
            // Closed before "not yours", as the engine orders them and as for an alert that left memory.
            if (core::is_closed(a->state)) {
                reply_error(s, rid, v1::ERROR_CODE_ALERT_CLOSED, "alert is closed");
                return;
            }
            if (!a->recipients.count(v)) {
                reply_error(s, rid, v1::ERROR_CODE_FORBIDDEN_ROLE, "this alert was not sent to you");
                return;
            }
            auto kind = from_proto(m.respond().kind());
            if (!kind) {
                reply_error(s, rid, v1::ERROR_CODE_INVALID_ARGUMENT, "kind: required (RESPONSE_KIND_...)");
                return;
            }
            if (m.respond().has_position()) {
                if (auto p = from_proto(m.respond().position().location())) {
                    (void)engine_.update_position(v, *p, std::max(0.0, m.respond().position().accuracy_m()), t, fx);
                    mark_standby(v);
                }
            }
            const core::AlertNumber number = a->number;
            if (auto st = engine_.respond(number, v, *kind, t, fx); !st) {
                reply_error(s, rid, st.error());
                apply(fx, t);
                return;
            }
            const core::Alert* after = engine_.find(number);
            ok({}, after->recipients.at(v).role);
            break;
        }
        case v1::ClientMessage::kSighting: {
            const auto& r = m.sighting();
            const core::Alert* a = engine_.find(r.alert_id());
            if (!a) {
                reply_absent(s, rid, r.alert_id());
                return;
            }
            if (!r.has_position()) {
                reply_error(s, rid, v1::ERROR_CODE_INVALID_COORDINATES, "position: required");
                return;
            }
            auto where = from_proto(r.position().location());
            if (!where) {
                reply_error(s, rid, v1::ERROR_CODE_INVALID_COORDINATES, "position: " + where.error().message);
                return;
            }
            if (auto st = check_text("text", r.text(), kMaxSightingText); !st) {
                reply_error(s, rid, st.error());
                return;
            }
            if (auto st = check_url("photo_url", r.photo_url()); !st) {
                reply_error(s, rid, st.error());
                return;
            }
            auto id = engine_.report_sighting(a->number, v, *where, r.text(), r.photo_url(), t, fx);
            if (!id) {
                reply_error(s, rid, id.error());
                return;
            }
            ok(std::to_string(*id));
            break;
        }
        case v1::ClientMessage::kPing: {
            v1::ServerMessage pong;
            *pong.mutable_pong()->mutable_ping_sent_at() = m.ping().sent_at();
            to_proto(t, pong.mutable_pong()->mutable_server_time());
            pong.set_request_id(rid);
            send(s, pong);
            return;
        }
        case v1::ClientMessage::kHello: {
            // A token refresh is handled by the session (it verifies the token); nothing reaches here.
            return;
        }
        default:
            reply_error(s, rid, v1::ERROR_CODE_UNKNOWN_MESSAGE_TYPE, "empty or unknown message body");
            return;
    }
    apply(fx, t);
}

}  // namespace yihu::api
