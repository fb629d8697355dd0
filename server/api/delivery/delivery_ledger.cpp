#include "api/delivery/delivery_ledger.h"

#include <map>

namespace yihu::api {

void DeliveryLedger::seed_cursor(core::VolunteerId v, const store::VolunteerCursor& cursor) {
    streams_[v].cursor = cursor;
}

store::VolunteerCursor DeliveryLedger::cursor(core::VolunteerId v) const {
    auto it = streams_.find(v);
    return it == streams_.end() ? store::VolunteerCursor{} : it->second.cursor;
}

std::uint64_t DeliveryLedger::next_seq(core::VolunteerId v) {
    return ++streams_[v].cursor.last_seq;
}

std::optional<std::uint64_t> DeliveryLedger::connect(core::VolunteerId v, std::uint64_t session) {
    Stream& s = streams_[v];
    std::optional<std::uint64_t> replaced;
    if (s.session && *s.session != session) replaced = s.session;
    s.session = session;
    s.unacked.reset();
    with_unacked_.erase(v);
    return replaced;
}

bool DeliveryLedger::disconnect(core::VolunteerId v, std::uint64_t session) {
    auto it = streams_.find(v);
    if (it == streams_.end() || it->second.session != session) return false;
    it->second.session.reset();
    it->second.unacked.reset();
    with_unacked_.erase(v);
    return true;
}

std::optional<std::uint64_t> DeliveryLedger::session(core::VolunteerId v) const {
    auto it = streams_.find(v);
    return it == streams_.end() ? std::nullopt : it->second.session;
}

void DeliveryLedger::stage(core::VolunteerId v, LedgerPush push) {
    staged_.push_back(Staged{v, std::move(push)});
}

std::vector<LedgerWrite> DeliveryLedger::release(core::Time now) {
    std::vector<LedgerWrite> writes;
    writes.reserve(staged_.size());
    auto staged = std::move(staged_);
    staged_.clear();
    for (Staged& s : staged) {
        auto it = streams_.find(s.volunteer);
        if (it == streams_.end() || !it->second.session) continue;  // offline: the phone gets it when it resumes
        Stream& stream = it->second;
        s.push.attempts = 1;
        s.push.sent_at = now;
        if (!stream.unacked) stream.unacked = std::make_unique<std::deque<LedgerPush>>();
        stream.unacked->push_back(std::move(s.push));
        with_unacked_.insert(s.volunteer);
        // A deque keeps references to its elements valid across push_back.
        writes.push_back(LedgerWrite{s.volunteer, *stream.session, &stream.unacked->back(), true});
    }
    return writes;
}

DeliveryLedger::AckResult DeliveryLedger::ack(core::VolunteerId v, std::uint64_t seq) {
    AckResult result;
    Stream& s = streams_[v];
    if (seq > s.cursor.last_seq) {
        result.beyond_last = true;
        return result;
    }
    if (seq > s.cursor.acked_seq) {
        s.cursor.acked_seq = seq;
        result.advanced = true;
    }
    while (s.has_unacked() && s.unacked->front().seq <= seq) {
        result.acked.push_back(std::move(s.unacked->front()));
        s.unacked->pop_front();
    }
    if (!s.has_unacked()) {
        s.unacked.reset();
        with_unacked_.erase(v);
    }
    return result;
}

DeliveryLedger::Due DeliveryLedger::due(core::Time now) {
    Due due;
    for (auto it = with_unacked_.begin(); it != with_unacked_.end();) {
        const core::VolunteerId v = *it;
        Stream& s = streams_[v];
        if (!s.session || !s.has_unacked()) {
            it = with_unacked_.erase(it);
            continue;
        }
        // Give up before writing anything more to a session that stopped acknowledging.
        bool give_up = false;
        for (const LedgerPush& p : *s.unacked) {
            if (now - p.sent_at >= options_.ack_timeout && p.attempts > options_.max_retries) give_up = true;
        }
        if (give_up) {
            s.unacked.reset();
            due.give_up.push_back(v);
            it = with_unacked_.erase(it);
            continue;
        }
        for (LedgerPush& p : *s.unacked) {
            if (now - p.sent_at < options_.ack_timeout) continue;
            p.attempts++;
            p.sent_at = now;
            due.writes.push_back(LedgerWrite{v, *s.session, &p, false});
        }
        ++it;
    }
    return due;
}

bool DeliveryLedger::can_replay(core::VolunteerId v, std::uint64_t last_seq, bool same_epoch) const {
    const store::VolunteerCursor c = cursor(v);
    return last_seq > 0 && same_epoch && last_seq <= c.last_seq && last_seq >= c.trimmed_seq;
}

std::optional<std::vector<std::size_t>> DeliveryLedger::select_replay(
    core::VolunteerId v, std::uint64_t last_seq, const std::vector<store::DeliveryRecord>& records) const {
    const std::uint64_t last = cursor(v).last_seq;
    if (records.size() > options_.replay_limit) return std::nullopt;
    // Every push after last_seq, in order and without a gap: a trim (or a lost write) since the cursor was read
    // would otherwise replay an incomplete history as if it were whole.
    if (records.size() != last - last_seq) return std::nullopt;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (records[i].seq != last_seq + 1 + i) return std::nullopt;
    }
    // "What still matters": an update or stand-down superseded by a later push about the same alert is skipped; the
    // later one carries the state. Alerts and closed notices are always replayed.
    std::map<std::string_view, std::uint64_t> latest;
    for (const auto& r : records) latest[r.alert_id] = r.seq;
    std::vector<std::size_t> keep;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        const auto kind = static_cast<v1::DeliveryKind>(r.kind);
        const bool superseded = latest[r.alert_id] != r.seq;
        if (superseded && (kind == v1::DELIVERY_KIND_UPDATE || kind == v1::DELIVERY_KIND_STAND_DOWN)) continue;
        keep.push_back(i);
    }
    return keep;
}

std::size_t DeliveryLedger::unacked(core::VolunteerId v) const {
    auto it = streams_.find(v);
    return it == streams_.end() || !it->second.unacked ? 0 : it->second.unacked->size();
}

}  // namespace yihu::api
