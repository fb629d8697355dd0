#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/delivery/push_encoding.h"
#include "core/alert/effects.h"
#include "core/index/volunteer.h"
#include "core/time.h"
#include "store/store.h"
#include "yihu/v1/volunteer.pb.h"

namespace yihu::api {

// One push in a volunteer's stream, as the ledger keeps it. What it says is shared and immutable: the first write and
// every retry send the same bytes (the frame is assembled on the connection's strand from the shared body).
struct LedgerPush {
    std::uint64_t seq = 0;
    core::AlertNumber alert = 0;  // 0: the alert is no longer in memory (a replay of an old push)
    v1::DeliveryKind kind = v1::DELIVERY_KIND_UNSPECIFIED;
    std::shared_ptr<const PushFrame> frame;  // never null
    core::Time sent_at{};
    int attempts = 0;  // writes so far
};

// A push to write now, on the session it was decided for. `push` points into the ledger and stays valid until the
// next call that changes this volunteer's unacknowledged pushes (ack, connect, disconnect, due).
struct LedgerWrite {
    core::VolunteerId volunteer = 0;
    std::uint64_t session = 0;
    LedgerPush* push = nullptr;
    bool first = false;  // the push's first write (not a retry)
};

// The delivery ledger: every volunteer's push sequence, the pushes written but not yet acknowledged, retries and
// the give-up, and which pushes a resuming phone gets. Pure: no I/O and no clock (`now` is passed in); it returns
// what to write, and the hub writes it. One owner (the hub thread).
//
// The life of a push: next_seq() numbers it, stage() holds it until the hub's batch is durable, release() hands it
// out for writing if the volunteer is online (it becomes unacknowledged, attempt 1), ack() clears it (cumulative),
// due() writes it again after ack_timeout, and after max_retries retries gives up on the session (the hub closes it
// and the phone resumes from its last seq).
class DeliveryLedger {
  public:
    struct Options {
        core::Duration ack_timeout = std::chrono::seconds(10);
        int max_retries = 5;
        std::size_t replay_limit = 2000;  // more missed pushes than this: the phone gets the current state instead
    };

    explicit DeliveryLedger(Options options) : options_(options) {}

    // --- Sequences ---
    // Restores a stored cursor (start-up).
    void seed_cursor(core::VolunteerId v, const store::VolunteerCursor& cursor);
    // Where the volunteer's stream stands (the zero cursor for one never seen).
    store::VolunteerCursor cursor(core::VolunteerId v) const;
    // The volunteer's next seq; it is taken (strictly increasing, never reused).
    std::uint64_t next_seq(core::VolunteerId v);

    // --- Sessions ---
    // A new session for the volunteer. Unacknowledged pushes of an older session are forgotten (the new session
    // resumes from its Hello). Returns the replaced session's id, if there was one other than `session`.
    std::optional<std::uint64_t> connect(core::VolunteerId v, std::uint64_t session);
    // The session closed. False (and nothing changes) if it is not the volunteer's current session (replaced).
    bool disconnect(core::VolunteerId v, std::uint64_t session);
    std::optional<std::uint64_t> session(core::VolunteerId v) const;

    // --- Sending ---
    // Holds a push until the batch that stored it is durable.
    void stage(core::VolunteerId v, LedgerPush push);
    // The batch is durable: staged pushes to online volunteers become unacknowledged (attempt 1, sent at `now`) and
    // are returned in staging order; those to offline volunteers wait in the store for the phone's resume.
    std::vector<LedgerWrite> release(core::Time now);
    // The batch failed: staged pushes are dropped (nothing unconfirmed is sent).
    void drop_staged() { staged_.clear(); }
    bool has_staged() const { return !staged_.empty(); }

    // --- Acknowledgements ---
    struct AckResult {
        bool beyond_last = false;       // seq > the last seq given out: rejected, nothing changed
        bool advanced = false;          // acked_seq rose to seq (store it)
        std::vector<LedgerPush> acked;  // the unacknowledged pushes this ack cleared, in seq order
    };
    // Cumulative: clears every unacknowledged push with seq <= `seq`.
    AckResult ack(core::VolunteerId v, std::uint64_t seq);

    // --- Retries ---
    struct Due {
        std::vector<LedgerWrite> writes;         // write again (same seq and bytes); attempts and sent_at updated
        std::vector<core::VolunteerId> give_up;  // retries exhausted: close the session (its pushes are forgotten)
    };
    // Pushes unacknowledged for ack_timeout are written again, up to max_retries times; at the next timeout after
    // that the ledger gives up on the session.
    Due due(core::Time now);

    // --- Resume ---
    // Whether the history can answer a Hello{last_seq} (same epoch, nonzero, not ahead of the stream, not trimmed).
    // If not, the hub pushes the current state afresh.
    bool can_replay(core::VolunteerId v, std::uint64_t last_seq, bool same_epoch) const;
    // `records`: the history after last_seq as the store returned it, read with a limit of replay_limit + 1. If it
    // holds every push last_seq+1 .. last seq without gaps and no more than replay_limit, the pushes that still
    // matter are staged (an update or stand-down superseded by a later push about the same alert is skipped; seqs
    // keep their values) and the number staged is returned. Otherwise nothing is staged and nullopt is returned
    // (send afresh).
    // `alert_number` maps a record's alert id to the alert in memory (0 if none).
    template <class AlertNumberOf>
    std::optional<std::size_t> replay(core::VolunteerId v, std::uint64_t last_seq,
                                      std::vector<store::DeliveryRecord> records, AlertNumberOf alert_number);

    std::size_t volunteers_with_unacked() const { return with_unacked_.size(); }
    std::size_t unacked(core::VolunteerId v) const;
    std::size_t replay_limit() const { return options_.replay_limit; }

  private:
    struct Stream {
        store::VolunteerCursor cursor;
        std::optional<std::uint64_t> session;
        // Allocated at the first unacknowledged push and freed when none is left: an empty std::deque still holds
        // its map and a node, and most volunteers have nothing unacknowledged most of the time.
        std::unique_ptr<std::deque<LedgerPush>> unacked;

        bool has_unacked() const { return unacked && !unacked->empty(); }
    };
    struct Staged {
        core::VolunteerId volunteer;
        LedgerPush push;
    };
    // The replay decision without the alert lookup (delivery_ledger.cpp): the indexes of the records to stage, or
    // nullopt if the history cannot answer.
    std::optional<std::vector<std::size_t>> select_replay(core::VolunteerId v, std::uint64_t last_seq,
                                                          const std::vector<store::DeliveryRecord>& records) const;

    Options options_;
    std::unordered_map<core::VolunteerId, Stream> streams_;
    std::unordered_set<core::VolunteerId> with_unacked_;
    std::vector<Staged> staged_;
};

template <class AlertNumberOf>
std::optional<std::size_t> DeliveryLedger::replay(core::VolunteerId v, std::uint64_t last_seq,
                                                  std::vector<store::DeliveryRecord> records,
                                                  AlertNumberOf alert_number) {
    auto keep = select_replay(v, last_seq, records);
    if (!keep) return std::nullopt;
    for (std::size_t i : *keep) {
        store::DeliveryRecord& r = records[i];
        LedgerPush push{
            .seq = r.seq,
            .alert = alert_number(r.alert_id),
            .kind = static_cast<v1::DeliveryKind>(r.kind),
            .frame = std::make_shared<const PushFrame>(std::make_shared<const std::string>(std::move(r.payload)))};
        stage(v, std::move(push));
    }
    return keep->size();
}

}  // namespace yihu::api
