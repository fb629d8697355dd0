// Federation, outgoing, on the hub thread (docs/federation.md): after an alert changed, which peers get what; the
// durable outbox and its retries; acknowledgements; links coming and going; counts reported upstream; a
// dispatcher's explicit forward.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/hub_result.h"
#include "api/codec/time_codec.h"
#include "api/hub/hub.h"
#include "core/geo/area_touch.h"

namespace yihu::api {

namespace {

bool on_path(const v1::StoredFederation& f, const std::string& city) {
    return std::find(f.path().begin(), f.path().end(), city) != f.path().end();
}

bool wants_kind(const FederationPeer& peer, core::AlertKind kind) {
    return peer.kinds.empty() || std::find(peer.kinds.begin(), peer.kinds.end(), kind) != peer.kinds.end();
}

bool same_counts(const v1::AlertCounts& a, const v1::AlertCounts& b) {
    return a.SerializeAsString() == b.SerializeAsString();
}

}  // namespace

std::optional<Hub::Outcome> Hub::refuse_if_foreign(const core::Alert& a) const {
    const AlertExtras& x = extras(a.number);
    if (x.federation.received_from().empty()) return std::nullopt;
    return Outcome{error_result(v1::ERROR_CODE_FORBIDDEN_ROLE,
                                "alert " + a.id + " belongs to " + x.origin + ": only " + x.origin +
                                    " can change it (it came here through " + x.federation.received_from() + ")",
                                {{"origin", x.origin}})};
}

void Hub::federate(core::AlertNumber number) {
    if (options_.federation.peers.empty()) return;
    const core::Alert* a = engine_.find(number);
    if (!a) return;
    AlertExtras& x = extras_[number];
    v1::StoredFederation& f = x.federation;
    const bool received = !f.received_from().empty();
    if (received) summary_dirty_.insert(number);
    const std::uint64_t version = received ? f.origin_version() : a->version;
    auto outgoing_path = [&](auto* message) {
        for (const std::string& city : f.path()) message->add_path(city);
        message->add_path(options_.city);
    };
    if (a->state != core::AlertState::kActive) {
        if (f.closed_sent()) return;
        f.set_closed_sent(true);
        for (const auto& [peer, sent_version] : f.sent()) {
            v1::PeerEnvelope env;
            auto* cancel = env.mutable_cancel();
            cancel->set_origin(x.origin);
            cancel->set_alert_id(a->id);
            cancel->set_version(version);
            outgoing_path(cancel);
            cancel->set_final_state(to_proto(a->state));
            cancel->set_reason(a->closing_message);
            audit_forward(number, enqueue_peer(peer, std::move(env)), "close v" + std::to_string(version));
        }
        return;
    }
    for (const FederationPeer& peer : options_.federation.peers) {
        if (on_path(f, peer.name)) continue;  // never back along the way it came
        const auto held = f.sent().find(peer.name);
        if (held == f.sent().end()) {
            const bool forced = std::find(f.forced().begin(), f.forced().end(), peer.name) != f.forced().end();
            const bool reaches = wants_kind(peer, a->kind) && core::geo::touches(a->area(), peer.coverage);
            if (!forced && !x.shared && !reaches) continue;
        } else if (held->second >= version) {
            continue;
        }
        v1::PeerEnvelope env;
        const bool first = held == f.sent().end();
        auto fill = [&](auto* message) {
            fill_alert(*a, false, message->mutable_alert());
            message->mutable_alert()->set_version(version);
            message->set_origin(x.origin);
            outgoing_path(message);
            message->set_version(version);
        };
        if (first) {
            fill(env.mutable_alert());
        } else {
            fill(env.mutable_update());
        }
        (*f.mutable_sent())[peer.name] = version;
        spdlog::info("federation: {} {} v{} to {}", first ? "forwarding" : "updating", a->id, version, peer.name);
        audit_forward(number, enqueue_peer(peer.name, std::move(env)),
                      (first ? "alert v" : "update v") + std::to_string(version));
    }
}

void Hub::federate_sighting(core::AlertNumber number, std::uint64_t sighting) {
    const core::Alert* a = engine_.find(number);
    if (!a) return;
    const AlertExtras& x = extras(number);
    if (x.federation.received_from().empty()) return;  // ours: the origin's dispatchers see it already
    auto it = std::find_if(a->sightings.begin(), a->sightings.end(),
                           [&](const core::Sighting& s) { return s.id == sighting; });
    if (it == a->sightings.end()) return;
    v1::PeerEnvelope env;
    auto* s = env.mutable_sighting();
    s->set_reported_in(options_.city);
    s->set_alert_origin(x.origin);
    s->add_path(options_.city);
    v1::Sighting* out = s->mutable_sighting();
    out->set_id(std::to_string(it->id));
    out->set_alert_id(a->id);
    // No volunteer id crosses a border: the origin learns which city reported it, not who.
    to_proto(it->position, out->mutable_position()->mutable_location());
    out->set_text(it->text);
    out->set_photo_url(it->photo_url);
    to_proto(it->at, out->mutable_at());
    enqueue_peer(x.federation.received_from(), std::move(env));
}

std::uint64_t Hub::enqueue_peer(const std::string& peer, v1::PeerEnvelope envelope) {
    const core::Time t = now();
    envelope.set_message_id(message_prefix_ + std::to_string(next_message_++));
    envelope.set_sender(options_.city);
    to_proto(t, envelope.mutable_sent_at());
    auto bytes = std::make_shared<const std::string>(envelope.SerializeAsString());
    batch_.outbox.push_back(
        store::OutboxRecord{.peer = peer, .message_id = envelope.message_id(), .payload = *bytes, .created_at = t});
    const std::uint64_t order = ++outbox_order_;
    outbox_index_[{peer, envelope.message_id()}] = order;
    // Due at once, but flush_outbox runs after the commit: nothing leaves before it is durable.
    outbox_[order] =
        OutboxEntry{.peer = peer, .message_id = envelope.message_id(), .bytes = std::move(bytes), .next_try = t};
    metrics_->federation_outbox = static_cast<std::int64_t>(outbox_.size());
    return order;
}

void Hub::audit_forward(core::AlertNumber number, std::uint64_t order, std::string what) {
    OutboxEntry& e = outbox_.at(order);
    (void)engine_.note(number, now(), core::AuditKind::kForwarded, what + " to " + e.peer);
    e.alert = number;
    e.what = std::move(what);
    ++forwards_unacked_[number];
}

void Hub::audit_peer_ack(const std::string& peer, core::AlertNumber number, const std::string& what,
                         const v1::FederationAck& ack) {
    if (auto it = forwards_unacked_.find(number); it != forwards_unacked_.end() && --it->second == 0) {
        forwards_unacked_.erase(it);
    }
    std::string reason = peer + (ack.accepted() ? " accepted " : " refused ") + what;
    if (!ack.accepted()) reason += ": " + v1::ErrorCode_Name(ack.code()) + " " + ack.reason();
    // Not in memory: a forward restored from the store after a restart whose closed alert was not loaded.
    if (engine_.note(number, now(), core::AuditKind::kPeerAcked, std::move(reason), "peer:" + peer)) {
        persist_alert(number, {});
    }
}

void Hub::flush_outbox(core::Time t) {
    if (peers_up_.empty() || !options_.federation.send) return;
    // Per peer, what was written and awaits its ack (its retry time not yet come) fills the send window; what does
    // not fit waits for acks, which end in a commit and so in the next flush. Once a message of a peer waits, every
    // later one of that peer waits too: the peer gets them in the order queued.
    std::map<std::string, std::size_t, std::less<>> in_flight;
    for (const auto& [order, e] : outbox_) {
        if (e.attempts > 0 && e.next_try > t) in_flight[e.peer] += e.bytes->size();
    }
    std::set<std::string, std::less<>> window_full;
    for (auto& [order, e] : outbox_) {
        if (e.next_try > t || !peers_up_.contains(e.peer) || window_full.contains(e.peer)) continue;
        std::size_t& flying = in_flight[e.peer];
        if (flying > 0 && flying + e.bytes->size() > options_.federation.send_window) {
            window_full.insert(e.peer);
            continue;
        }
        if (!options_.federation.send(e.peer, e.bytes)) continue;
        flying += e.bytes->size();
        ++e.attempts;
        auto wait = options_.federation.retry_min * (1LL << std::min(e.attempts - 1, 16));
        e.next_try = t + std::min<core::Duration>(wait, options_.federation.retry_max);
        metrics_->federation_sent++;
    }
}

core::Status Hub::restore_outbox() {
    outbox_.clear();
    outbox_index_.clear();
    forwards_unacked_.clear();
    peers_up_.clear();
    summary_dirty_.clear();
    message_prefix_ = std::to_string(core::to_ms(now())) + ".";
    auto records = store_->load_outbox();
    if (!records) return records.error();
    const core::Time t = now();
    for (auto& r : *records) {
        const std::uint64_t order = ++outbox_order_;
        outbox_index_[{r.peer, r.message_id}] = order;
        OutboxEntry& e = outbox_[order] =
            OutboxEntry{.peer = r.peer,
                        .message_id = r.message_id,
                        .bytes = std::make_shared<const std::string>(std::move(r.payload)),
                        .next_try = t};
        // An alert's own message to a peer is acknowledged in its trail again (FORWARDED was written before).
        v1::PeerEnvelope env;
        if (!env.ParseFromString(*e.bytes)) continue;
        std::string id;
        std::uint64_t version = 0;
        if (env.has_alert()) {
            id = env.alert().alert().id();
            version = env.alert().version();
            e.what = "alert v";
        } else if (env.has_update()) {
            id = env.update().alert().id();
            version = env.update().version();
            e.what = "update v";
        } else if (env.has_cancel()) {
            id = env.cancel().alert_id();
            version = env.cancel().version();
            e.what = "close v";
        }
        const core::Alert* a = id.empty() ? nullptr : engine_.find(id);
        if (!a) {
            e.what.clear();
            continue;
        }
        e.what += std::to_string(version);
        e.alert = a->number;
        ++forwards_unacked_[a->number];
    }
    metrics_->federation_outbox = static_cast<std::int64_t>(outbox_.size());
    return core::Status::Ok();
}

void Hub::send_summaries(core::Time t) {
    std::set<core::AlertNumber> dirty;
    dirty.swap(summary_dirty_);
    for (core::AlertNumber number : dirty) {
        const core::Alert* a = engine_.find(number);
        if (!a) continue;
        AlertExtras& x = extras_[number];
        v1::StoredFederation& f = x.federation;
        if (f.received_from().empty()) continue;
        v1::AlertCounts c = counts(*a);
        if (same_counts(c, f.reported())) continue;
        *f.mutable_reported() = c;
        v1::PeerEnvelope env;
        auto* s = env.mutable_response_summary();
        s->set_reporter(options_.city);
        s->set_origin(x.origin);
        s->set_alert_id(a->id);
        s->set_version(f.origin_version());
        *s->mutable_counts() = c;
        to_proto(t, s->mutable_as_of());
        enqueue_peer(f.received_from(), std::move(env));
        persist_alert(number, {});
    }
    summary_dirty_.clear();  // persist_alert marked them again; nothing changed since
}

Hub::Outcome Hub::on(const v1::ForwardAlert& c, const v1::Caller&) {
    const core::Alert* a = engine_.find(c.alert_id());
    if (!a) return {error_result(v1::ERROR_CODE_NOT_FOUND, "no alert " + c.alert_id())};
    if (auto refused = refuse_if_foreign(*a)) return std::move(*refused);
    if (a->state != core::AlertState::kActive) return {error_result(v1::ERROR_CODE_ALERT_CLOSED, "alert is closed")};
    AlertExtras& x = extras_[a->number];
    for (const std::string& name : c.peers()) {
        const bool known = std::any_of(options_.federation.peers.begin(), options_.federation.peers.end(),
                                       [&](const FederationPeer& p) { return p.name == name; });
        if (!known) return {error_result(v1::ERROR_CODE_NOT_FOUND, "no peer city named " + name)};
    }
    for (const std::string& name : c.peers()) {
        auto& forced = *x.federation.mutable_forced();
        if (std::find(forced.begin(), forced.end(), name) == forced.end()) forced.Add(std::string(name));
    }
    persist_alert(a->number, {});  // federates it: the named peers get it now
    return committed_alert(a->number);
}

Hub::Outcome Hub::on(const v1::PeerAcknowledged& c, const v1::Caller&) {
    const v1::FederationAck& ack = c.ack();
    auto it = outbox_index_.find({c.peer(), ack.message_id()});
    if (it == outbox_index_.end()) return {};  // a late ack of a message already gone: nothing to do
    const OutboxEntry entry = std::move(outbox_.at(it->second));
    outbox_.erase(it->second);
    outbox_index_.erase(it);
    if (entry.alert != 0) audit_peer_ack(c.peer(), entry.alert, entry.what, ack);
    batch_.outbox_done.emplace_back(c.peer(), ack.message_id());
    metrics_->federation_outbox = static_cast<std::int64_t>(outbox_.size());
    if (!ack.accepted()) {
        metrics_->federation_refused_by_peer++;
        spdlog::warn("federation: {} refused message {} (alert {} v{}): {} {}", c.peer(), ack.message_id(),
                     ack.alert_id(), ack.version(), v1::ErrorCode_Name(ack.code()), ack.reason());
    }
    return {};
}

Hub::Outcome Hub::on(const v1::PeerLinkChanged& c, const v1::Caller&) {
    if (!c.up()) {
        peers_up_.erase(c.peer());
        return {};
    }
    peers_up_.insert(c.peer());
    // Everything waiting for it goes now (after this batch's commit), whatever its backoff said.
    const core::Time t = now();
    for (auto& [order, e] : outbox_) {
        if (e.peer == c.peer()) e.next_try = t;
    }
    return {};
}

}  // namespace yihu::api
