#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace yihu::store {

using core::Result;
using core::Status;
using core::Time;

// What lasts across restarts: alerts, who received them and what they answered, the audit trail, every volunteer's
// push history and sequence counter, devices and idempotency keys. Volunteer positions are never stored.
//
// The store knows nothing of alerts' meaning: snapshots and payloads are opaque bytes that the API layer encodes
// (protobuf). That keeps one interface for the embedded store (SQLite) and the Redis store of a cluster, both held to
// the same contract tests (tests/store/store_contract_test.cpp).
//
// Not thread-safe: one owner (the hub thread) calls it.

// One push in a volunteer's history.
struct DeliveryRecord {
    std::string volunteer;  // external id (token subject)
    std::uint64_t seq = 0;  // per volunteer, rising from batch to batch (the ledger's order)
    std::string alert_id;
    std::uint8_t kind = 0;  // the API's delivery kind (alert, update, stand-down, closed); opaque here
    // The encoded push is `payload` followed by `*shared` (if set): the part every recipient of the same alert
    // version and kind shares is handed to the store once, by one buffer, and stored once per group of pushes
    // (store/record_sets.h). Reads return the whole push in `payload` and leave `shared` empty.
    std::string payload;
    Time created_at{};
    std::shared_ptr<const std::string> shared;
};

// Where a volunteer's push stream stands.
struct VolunteerCursor {
    std::uint64_t last_seq = 0;     // highest seq ever stored for this volunteer (0: none)
    std::uint64_t acked_seq = 0;    // highest seq the phone acknowledged (never goes down)
    std::uint64_t trimmed_seq = 0;  // highest seq removed by trim(): a resume from below it cannot be complete
};

struct AlertRecord {
    std::uint64_t number = 0;  // the engine's number, never reused
    std::string id;            // the public id, unique
    bool active = true;
    Time created_at{};
    Time updated_at{};
    std::string snapshot;  // everything about the alert except recipients and audit
};

struct RecipientRecord {
    std::uint64_t alert_number = 0;
    std::string volunteer;
    std::string snapshot;
};

struct AuditRecord {
    std::uint64_t alert_number = 0;
    std::uint64_t index = 0;  // position in the alert's trail, from 0
    Time at{};
    std::string entry;
};

struct DeviceRecord {
    std::string id;
    std::string snapshot;
};

// A dispatcher's idempotency key for alert creation: the same key and request give the same alert.
struct IdempotencyRecord {
    std::string key;
    std::string request_digest;
    std::string alert_id;
    Time created_at{};
};

// Which alert an imported CAP message became (federation/cap_book.h): the CAP book is rebuilt from these after a
// restart. Kept for as long as the alerts (CAP Updates may reference any earlier message of an alert).
struct CapMessageRecord {
    std::string sender;
    std::string identifier;
    std::string alert_id;
    std::uint8_t decision = 0;  // what the message did (create, update, cancel, stale); opaque here
    Time sent{};                // the message's <sent>
};

// A message queued for a neighbouring city (federation): it stays until the peer acknowledges it.
struct OutboxRecord {
    std::string peer;        // the peer's configured name
    std::string message_id;  // unique per sender (PeerEnvelope.message_id)
    std::string payload;     // the encoded envelope; opaque here
    Time created_at{};
};

// Writes that become durable together (one transaction): either all of them or none.
struct WriteBatch {
    std::vector<AlertRecord> alerts;          // upsert by number
    std::vector<RecipientRecord> recipients;  // upsert by (alert_number, volunteer)
    std::vector<AuditRecord> audit;           // insert; an existing (alert, index) is kept
    // Insert; raises the volunteer's last_seq. A (volunteer, seq) twice in one batch is a conflict; across batches
    // the caller hands out each seq once (the store does not look every volunteer up at commit: that would cost a
    // read per recipient), and a seq stored again is never returned twice (the first stored wins).
    std::vector<DeliveryRecord> deliveries;
    std::vector<std::pair<std::string, std::uint64_t>> acks;       // volunteer -> acked seq (never lowered)
    std::vector<DeviceRecord> devices;                             // upsert by id
    std::vector<IdempotencyRecord> idempotency;                    // insert; an existing key is kept
    std::vector<CapMessageRecord> cap_messages;                    // insert; an existing (sender, identifier) is kept
    std::vector<OutboxRecord> outbox;                              // insert; an existing (peer, message_id) is kept
    std::vector<std::pair<std::string, std::string>> outbox_done;  // (peer, message_id) removed; after `outbox`

    bool empty() const {
        return alerts.empty() && recipients.empty() && audit.empty() && deliveries.empty() && acks.empty() &&
               devices.empty() && idempotency.empty() && cap_messages.empty() && outbox.empty() && outbox_done.empty();
    }
    void clear() { *this = WriteBatch{}; }
};

class Store {
  public:
    virtual ~Store() = default;

    // Applies every write of the batch or none of them; when it returns ok, the writes survive a crash.
    virtual Status apply(const WriteBatch& batch) = 0;

    // Names the sequence stream: fixed when the store is first created, so a phone can tell a reset store (new epoch:
    // its last_seq means nothing) from a restarted one.
    virtual const std::string& epoch() const = 0;

    // Alerts ordered by number; active_only: only those with active = true.
    virtual Result<std::vector<AlertRecord>> load_alerts(bool active_only) = 0;
    virtual Result<std::optional<AlertRecord>> find_alert(std::string_view id) = 0;
    // Ordered by volunteer.
    virtual Result<std::vector<RecipientRecord>> load_recipients(std::uint64_t alert_number) = 0;
    // Entries with index >= from_index, by index, at most `limit`.
    virtual Result<std::vector<AuditRecord>> load_audit(std::uint64_t alert_number, std::uint64_t from_index,
                                                        std::size_t limit) = 0;
    virtual Result<std::vector<DeviceRecord>> load_devices() = 0;
    virtual Result<std::optional<IdempotencyRecord>> find_idempotency(std::string_view key) = 0;
    // Every CAP message record, in no particular order (the book does not depend on it).
    virtual Result<std::vector<CapMessageRecord>> load_cap_messages() = 0;
    // Every message still in the peers' outboxes, in the order written: batch by batch, and within a batch in the
    // order of WriteBatch::outbox (a message written again keeps its first place). Not by created_at or message_id:
    // many messages share a millisecond, and a clock can step back.
    virtual Result<std::vector<OutboxRecord>> load_outbox() = 0;

    // A volunteer never seen has the zero cursor.
    virtual Result<VolunteerCursor> cursor(std::string_view volunteer) = 0;
    // Every volunteer that has a cursor, ordered by volunteer id.
    virtual Result<std::vector<std::pair<std::string, VolunteerCursor>>> load_cursors() = 0;
    // The volunteer's pushes with seq > after_seq, in seq order, at most `limit`. The search goes from the newest
    // stored pushes back and stops at the batch that holds after_seq + 1 or less: a seq stored in a later batch than
    // a higher seq of the same volunteer (against the ledger's order) may be missed.
    virtual Result<std::vector<DeliveryRecord>> deliveries_after(std::string_view volunteer, std::uint64_t after_seq,
                                                                 std::size_t limit) = 0;

    // Housekeeping: removes pushes created before `deliveries_before` (raising each volunteer's trimmed_seq; cursors
    // stay) and idempotency keys created before `keys_before`. Returns the number of rows removed.
    virtual Result<std::size_t> trim(Time deliveries_before, Time keys_before) = 0;

    // Why writes are refused now although the store answers, or nullopt: a Redis store whose replicas did not
    // confirm the last write in time (RedisStoreOptions::wait_replicas). Set by an apply() that failed so, cleared by
    // one that succeeds or by probe_writes(). The other stores never refuse so.
    virtual std::optional<std::string> write_refusal() const { return std::nullopt; }
    // While write_refusal() is set: asks again, without writing, whether the refusal still holds, waiting at most a
    // short while (RedisStoreOptions::probe_timeout). Nothing otherwise.
    virtual void probe_writes() {}
};

// The embedded store: one SQLite database file in `data_dir` (created with the directory if missing), WAL journal,
// synchronous=FULL so that an acknowledged write survives power loss.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& data_dir);

}  // namespace yihu::store
