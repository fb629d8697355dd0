// Engine effects -> sequenced pushes, store writes and the dispatchers' live feed.

#include <spdlog/spdlog.h>

#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/json_codec.h"
#include "api/codec/time_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

namespace {

constexpr std::string_view kStandDownReason = "Enough responders are on the way. Thank you!";

}  // namespace

void Hub::apply(core::Effects& fx, core::Time t) {
    std::map<core::AlertNumber, std::set<core::VolunteerId>> touched;
    for (const core::Notice& n : fx.notices) {
        push_notice(n, t);
        touched[n.alert].insert(n.volunteer);
    }
    for (const core::FeedEvent& e : fx.feed) {
        if (e.volunteer) {
            touched[e.alert].insert(*e.volunteer);
        } else {
            touched[e.alert];
        }
        if (e.kind == core::FeedEvent::Kind::kResponderPosition) continue;  // not an alert change
        publish_feed(e);
    }
    // Responder positions are the one feed event that is not about the alert's state: sent at once, never stored.
    for (const core::FeedEvent& e : fx.feed) {
        if (e.kind == core::FeedEvent::Kind::kResponderPosition) publish_feed(e);
    }
    // Anything else the engine changed shows in an alert's audit trail (every engine step audits).
    for (core::AlertNumber n : engine_.active()) {
        const core::Alert* a = engine_.find(n);
        if (a && a->audit.size() != audit_saved_[n]) touched[n];
    }
    for (const auto& [number, recipients] : touched) persist_alert(number, recipients);
    fx.clear();
}

void Hub::persist_alert(core::AlertNumber number, const std::set<core::VolunteerId>& recipients) {
    const core::Alert* a = engine_.find(number);
    if (!a) return;
    batch_.alerts.push_back(store::AlertRecord{
        .number = a->number,
        .id = a->id,
        .active = a->state == core::AlertState::kActive,
        .created_at = a->created_at,
        .updated_at = a->updated_at,
        .snapshot = encode_alert(*a, extras(number), skills_, teams_, volunteers_),
    });
    auto& marks = marks_[number];
    for (core::VolunteerId v : recipients) {
        auto it = a->recipients.find(v);
        if (it == a->recipients.end()) continue;
        batch_.recipients.push_back(store::RecipientRecord{
            .alert_number = number,
            .volunteer = volunteers_.name(v),
            .snapshot = encode_recipient(it->second, marks[v]),
        });
    }
    std::size_t& saved = audit_saved_[number];
    for (; saved < a->audit.size(); ++saved) {
        batch_.audit.push_back(store::AuditRecord{.alert_number = number,
                                                  .index = saved,
                                                  .at = a->audit[saved].at,
                                                  .entry = encode_audit(a->audit[saved], volunteers_)});
    }
    if (a->state != core::AlertState::kActive) {
        metrics_->alerts_active = static_cast<std::int64_t>(engine_.active().size());
        metrics_->alerts_closed = static_cast<std::int64_t>(engine_.alerts().size() - engine_.active().size());
    }
}

void Hub::push_notice(const core::Notice& n, core::Time t) {
    const core::Alert* a = engine_.find(n.alert);
    if (!a) return;
    v1::ServerMessage m;
    v1::DeliveryKind kind = v1::DELIVERY_KIND_UNSPECIFIED;
    switch (n.kind) {
        case core::Notice::Kind::kAlert: {
            kind = v1::DELIVERY_KIND_ALERT;
            auto* push = m.mutable_alert();
            push->set_alert_id(a->id);
            push->set_alert_version(a->version);
            fill_alert(*a, true, push->mutable_alert());
            push->set_distance_m(n.distance_m);
            push->set_response_requested(n.response_requested);
            for (const auto& role : a->policy.roles) push->add_roles(role);
            break;
        }
        case core::Notice::Kind::kUpdate: {
            kind = v1::DELIVERY_KIND_UPDATE;
            auto* push = m.mutable_alert_update();
            push->set_alert_id(a->id);
            push->set_alert_version(a->version);
            fill_alert(*a, true, push->mutable_alert());
            if (auto it = a->recipients.find(n.volunteer); it != a->recipients.end()) {
                push->set_distance_m(it->second.distance_m);
                push->set_role(it->second.role);
            }
            break;
        }
        case core::Notice::Kind::kStandDown: {
            kind = v1::DELIVERY_KIND_STAND_DOWN;
            auto* push = m.mutable_stand_down();
            push->set_alert_id(a->id);
            push->set_alert_version(a->version);
            push->set_reason(std::string(kStandDownReason));
            break;
        }
        case core::Notice::Kind::kClosed: {
            kind = v1::DELIVERY_KIND_CLOSED;
            auto* push = m.mutable_alert_closed();
            push->set_alert_id(a->id);
            push->set_alert_version(a->version);
            push->set_final_state(to_proto(a->state));
            push->set_message(a->closing_message);
            break;
        }
    }
    enqueue_push(n.volunteer, n.alert, kind, std::move(m), t);
}

// Gives the push the volunteer's next seq, writes it to the history (same batch as the alert change that caused
// it), and queues it for sending once that batch is durable.
std::uint64_t Hub::enqueue_push(core::VolunteerId v, core::AlertNumber alert, v1::DeliveryKind kind,
                                v1::ServerMessage m, core::Time t) {
    VolunteerState& state = volunteer(v);
    const std::uint64_t seq = ++state.cursor.last_seq;
    switch (m.body_case()) {
        case v1::ServerMessage::kAlert:
            m.mutable_alert()->set_seq(seq);
            break;
        case v1::ServerMessage::kAlertUpdate:
            m.mutable_alert_update()->set_seq(seq);
            break;
        case v1::ServerMessage::kStandDown:
            m.mutable_stand_down()->set_seq(seq);
            break;
        case v1::ServerMessage::kAlertClosed:
            m.mutable_alert_closed()->set_seq(seq);
            break;
        default:
            break;
    }
    auto payload = std::make_shared<const std::string>(m.SerializeAsString());
    const core::Alert* a = engine_.find(alert);
    batch_.deliveries.push_back(store::DeliveryRecord{.volunteer = volunteers_.name(v),
                                                      .seq = seq,
                                                      .alert_id = a ? a->id : std::string{},
                                                      .kind = static_cast<std::uint8_t>(kind),
                                                      .payload = *payload,
                                                      .created_at = t});
    if (kind == v1::DELIVERY_KIND_ALERT) marks_[alert][v].first_seq = seq;
    metrics_->pushes++;
    pending_sends_.push_back(PendingSend{v, Unacked{seq, alert, kind, std::move(payload), t, 0}});
    return seq;
}

void Hub::send_push(core::VolunteerId v, Unacked push) {
    VolunteerState& state = volunteer(v);
    if (!state.session) return;  // offline: the phone gets it when it resumes
    write_frame(*state.session, push.payload);
    metrics_->pushes_sent++;
    const core::Time t = now();
    if (push.attempts == 0 && push.kind == v1::DELIVERY_KIND_ALERT) {
        DeliveryMarks& mark = marks_[push.alert][v];
        if (mark.delivered_at == core::Time{}) {
            mark.delivered_at = t;
            report_delivery(v, push, mark, t);
        }
    }
    push.attempts++;
    push.sent_at = t;
    state.unacked.push_back(std::move(push));
    with_unacked_.insert(v);
}

// Pushes are stored in protobuf; a JSON session gets them converted as they are written.
void Hub::write_frame(const Session& s, const std::shared_ptr<const std::string>& payload) {
    if (s.binary) {
        s.connection->send(net::Frame{payload, true});
        return;
    }
    v1::ServerMessage m;
    m.ParseFromString(*payload);
    s.connection->send(net::Frame{std::make_shared<const std::string>(to_json(m)), false});
}

// Tells the feed (and the store) that an alert push reached a phone, or was acknowledged (marks.acked_at set).
void Hub::report_delivery(core::VolunteerId v, const Unacked& push, const DeliveryMarks& marks, core::Time t) {
    const core::Alert* a = engine_.find(push.alert);
    if (!a) return;
    v1::LiveFeedEvent e;
    auto* d = e.mutable_delivery();
    d->set_alert_id(a->id);
    d->set_volunteer_id(volunteers_.name(v));
    d->set_seq(push.seq);
    d->set_node(options_.node_id);
    to_proto(marks.delivered_at, d->mutable_sent_at());
    if (marks.acked_at != core::Time{}) to_proto(marks.acked_at, d->mutable_acked_at());
    d->set_kind(push.kind);
    d->set_alert_version(a->version);
    to_proto(t, e.mutable_at());
    publish_feed(a->id, std::move(e));
    persist_alert(push.alert, {v});
}

// A push not acknowledged within ack_timeout is written again (same seq: the phone drops duplicates). After
// max_retries the connection is presumed dead and the push waits for the phone's resume.
void Hub::retry_unacked(core::Time t) {
    for (auto it = with_unacked_.begin(); it != with_unacked_.end();) {
        VolunteerState& state = volunteer(*it);
        if (!state.session || state.unacked.empty()) {
            it = with_unacked_.erase(it);
            continue;
        }
        const Session s = *state.session;
        bool give_up = false;
        for (Unacked& u : state.unacked) {
            if (t - u.sent_at < options_.ack_timeout) continue;
            if (u.attempts > options_.max_retries) {
                give_up = true;
                break;
            }
            write_frame(s, u.payload);
            u.attempts++;
            u.sent_at = t;
            metrics_->push_retries++;
        }
        if (give_up) {
            spdlog::info("volunteer {}: pushes unacknowledged after {} tries; closing for resume",
                         volunteers_.name(*it), options_.max_retries);
            s.connection->close(net::close_code::kPolicyViolation, "ack timeout");
            state.unacked.clear();
        }
        ++it;
    }
}

}  // namespace yihu::api
