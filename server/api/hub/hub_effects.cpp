// Engine effects -> sequenced pushes, store writes and the dispatchers' live feed.

#include <spdlog/spdlog.h>

#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/json_codec.h"
#include "api/codec/time_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

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
    // A sighting in a city that holds another city's alert goes back towards its origin.
    for (const core::FeedEvent& e : fx.feed) {
        if (e.kind == core::FeedEvent::Kind::kSighting) federate_sighting(e.alert, e.sighting);
    }
    for (const auto& [number, recipients] : touched) persist_alert(number, recipients);
    fx.clear();
}

void Hub::persist_alert(core::AlertNumber number, const std::set<core::VolunteerId>& recipients) {
    const core::Alert* a = engine_.find(number);
    if (!a) return;
    federate(number);  // before the snapshot: it records what it queued for which peer
    // Acknowledgements and deliveries touch only recipients: the alert's own record is written when it changed.
    std::string rest = encode_alert_rest(*a, extras(number), skills_, teams_, volunteers_);
    WrittenAlert& written = written_[number];
    const void* shape = large_area_identity(*a);
    const bool same_area = shape == written.shape;
    if (!same_area) {
        written.shape = shape;
        written.pinned = shape ? a->fixed_area : std::nullopt;
        written.area_field = encode_large_area(*a);
    }
    if (!same_area || rest != written.rest) {
        written.rest = rest;
        batch_.alerts.push_back(store::AlertRecord{
            .number = a->number,
            .id = a->id,
            .active = a->state == core::AlertState::kActive,
            .created_at = a->created_at,
            .updated_at = a->updated_at,
            .snapshot = std::move(rest) + written.area_field,
        });
    }
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
    if (core::is_closed(a->state) && closing_.insert(number).second) {
        metrics_->alerts_active = static_cast<std::int64_t>(engine_.active().size());
        metrics_->alerts_closed++;
    }
}

void Hub::push_notice(const core::Notice& n, core::Time t) {
    const core::Alert* a = engine_.find(n.alert);
    if (!a) return;
    // Only the per-recipient fields here: the rest of the push is the shared body (push_body).
    PushEnvelope envelope;
    v1::DeliveryKind kind = v1::DELIVERY_KIND_UNSPECIFIED;
    switch (n.kind) {
        case core::Notice::Kind::kAlert:
            kind = v1::DELIVERY_KIND_ALERT;
            envelope.distance_m = n.distance_m;
            envelope.response_requested = n.response_requested;
            break;
        case core::Notice::Kind::kUpdate:
            kind = v1::DELIVERY_KIND_UPDATE;
            if (auto it = a->recipients.find(n.volunteer); it != a->recipients.end()) {
                envelope.distance_m = it->second.distance_m;
                envelope.role = it->second.role;
            }
            break;
        case core::Notice::Kind::kStandDown:
            kind = v1::DELIVERY_KIND_STAND_DOWN;
            break;
        case core::Notice::Kind::kClosed:
            kind = v1::DELIVERY_KIND_CLOSED;
            break;
    }
    enqueue_push(n.volunteer, *a, kind, std::move(envelope), t);
}

// Gives the push the volunteer's next seq, writes it to the history (same batch as the alert change that caused
// it), and stages it in the ledger, which releases it for sending once that batch is durable. Per recipient the hub
// only decides (who, which seq, which shared body); the bytes are assembled on the connection's strand (PushFrame).
std::uint64_t Hub::enqueue_push(core::VolunteerId v, const core::Alert& a, v1::DeliveryKind kind, PushEnvelope envelope,
                                core::Time t) {
    const std::uint64_t seq = ledger_.next_seq(v);
    envelope.seq = seq;
    const PushBodyPtr body = push_body(a, kind);
    // The store gets the shared body once per group (by this one buffer) and only the recipient's own head here:
    // head + shared body is the whole serialized push (PushBody::binary).
    std::string head = body->binary_head(envelope);
    std::shared_ptr<const std::string> shared = body->shared();
    auto frame = std::make_shared<const PushFrame>(body, std::move(envelope));
    batch_.deliveries.push_back(store::DeliveryRecord{.volunteer = volunteers_.name(v),
                                                      .seq = seq,
                                                      .alert_id = a.id,
                                                      .kind = static_cast<std::uint8_t>(kind),
                                                      .payload = std::move(head),
                                                      .created_at = t,
                                                      .shared = std::move(shared)});
    if (kind == v1::DELIVERY_KIND_ALERT) marks_[a.number][v].first_seq = seq;
    metrics_->pushes++;
    ledger_.stage(v, LedgerPush{.seq = seq, .alert = a.number, .kind = kind, .frame = std::move(frame)});
    return seq;
}

// Writes what the ledger released after a durable commit; an alert push's first write is reported to the feed, and
// the recipients' marks are stored once per alert (not one alert record per recipient).
void Hub::send_released(const std::vector<LedgerWrite>& writes) {
    if (writes.empty()) return;
    const core::Time t = now();
    std::map<core::AlertNumber, std::set<core::VolunteerId>> delivered;
    for (const LedgerWrite& w : writes) {
        VolunteerState& state = volunteer(w.volunteer);
        if (!state.session || state.session->id != w.session) continue;
        write_push(*state.session, *w.push);
        metrics_->pushes_sent++;
        // An alert that left memory (closed) keeps the marks it had when it closed.
        if (w.push->kind == v1::DELIVERY_KIND_ALERT && w.push->alert != 0 && engine_.find(w.push->alert)) {
            DeliveryMarks& mark = marks_[w.push->alert][w.volunteer];
            if (mark.delivered_at == core::Time{}) {
                mark.delivered_at = t;
                report_delivery(w.volunteer, *w.push, mark, t, false);
                delivered[w.push->alert].insert(w.volunteer);
            }
        }
    }
    for (const auto& [number, volunteers] : delivered) persist_alert(number, volunteers);
}

// The same bytes on every write of a push, in the session's encoding: the connection assembles them on its strand
// from the shared body and the push's envelope (a push read back from the history: from its stored protobuf).
void Hub::write_push(const Session& s, const LedgerPush& push) {
    s.connection->send(PushFrame::frame(push.frame, s.binary));
}

// Tells the feed (and, with `persist`, the store) that an alert push reached a phone, or was acknowledged
// (marks.acked_at set).
void Hub::report_delivery(core::VolunteerId v, const LedgerPush& push, const DeliveryMarks& marks, core::Time t,
                          bool persist) {
    const core::Alert* a = engine_.find(push.alert);
    if (!a) return;
    if (persist) persist_alert(push.alert, {v});
    if (feeds_.empty()) return;
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
}

// A push not acknowledged within ack_timeout is written again (same seq and bytes: the phone drops duplicates).
// After max_retries the connection is presumed dead and the pushes wait for the phone's resume.
void Hub::retry_unacked(core::Time t) {
    DeliveryLedger::Due due = ledger_.due(t);
    for (const LedgerWrite& w : due.writes) {
        VolunteerState& state = volunteer(w.volunteer);
        if (!state.session || state.session->id != w.session) continue;
        write_push(*state.session, *w.push);
        metrics_->push_retries++;
    }
    for (core::VolunteerId v : due.give_up) {
        VolunteerState& state = volunteer(v);
        if (!state.session) continue;
        spdlog::info("volunteer {}: pushes unacknowledged after {} tries; closing for resume", volunteers_.name(v),
                     options_.max_retries);
        state.session->connection->close(net::close_code::kPolicyViolation, "ack timeout");
    }
}

}  // namespace yihu::api
