#include "store/sqlite_schema.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <random>

#include "store/sqlite_sets.h"

namespace yihu::store::sqlite {

using core::ErrorCode;
using core::make_error;

namespace {

// How long a writer waits for another connection's lock (a backup tool, the sqlite3 shell) before giving up.
constexpr int kBusyTimeoutMs = 5000;

// Unsigned numbers (alert numbers, seqs, indices) are stored as SQLite's signed 64-bit integers; the store refuses
// values above INT64_MAX, so they keep their order. Times are Unix milliseconds. Snapshots, payloads and entries are
// BLOBs: opaque bytes, NULs included.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE alerts (
    number INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    snapshot BLOB NOT NULL
);

CREATE TABLE recipients (
    alert_number INTEGER NOT NULL,
    volunteer TEXT NOT NULL,
    snapshot BLOB NOT NULL,
    PRIMARY KEY (alert_number, volunteer)
);

CREATE TABLE audit (
    alert_number INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    at INTEGER NOT NULL,
    entry BLOB NOT NULL,
    PRIMARY KEY (alert_number, idx)
);

CREATE TABLE deliveries (
    volunteer TEXT NOT NULL,
    seq INTEGER NOT NULL,
    alert_id TEXT NOT NULL,
    kind INTEGER NOT NULL,
    payload BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (volunteer, seq)
);
CREATE INDEX deliveries_by_created_at ON deliveries (created_at);

CREATE TABLE cursors (
    volunteer TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL DEFAULT 0,
    acked_seq INTEGER NOT NULL DEFAULT 0,
    trimmed_seq INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    snapshot BLOB NOT NULL
);

CREATE TABLE idempotency (
    idempotency_key TEXT PRIMARY KEY,
    request_digest BLOB NOT NULL,
    alert_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX idempotency_by_created_at ON idempotency (created_at);
)sql";

// Format 2 (store/record_sets.h): what one batch writes about many volunteers is a few rows, not a row per volunteer.
// Recipients and audit entries of an alert are appended as sets (read back merged, by id order); pushes are kept as
// push groups, one row per (created_at, alert id, kind, shared body) of a batch, with the body once and the members'
// envelopes in a sorted index. cursors.last_seq is a floor raised when groups are trimmed or converted: the current
// last seq is the higher of it and the highest seq in the groups.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE recipient_sets (
    id INTEGER PRIMARY KEY,
    alert_number INTEGER NOT NULL,
    members BLOB NOT NULL
);
CREATE INDEX recipient_sets_by_alert ON recipient_sets (alert_number);

CREATE TABLE audit_sets (
    id INTEGER PRIMARY KEY,
    alert_number INTEGER NOT NULL,
    min_idx INTEGER NOT NULL,
    max_idx INTEGER NOT NULL,
    entries BLOB NOT NULL
);
CREATE INDEX audit_sets_by_alert ON audit_sets (alert_number);

CREATE TABLE push_groups (
    id INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    alert_id TEXT NOT NULL,
    kind INTEGER NOT NULL,
    count INTEGER NOT NULL,
    batch INTEGER NOT NULL,
    body BLOB NOT NULL,
    members BLOB NOT NULL
);
CREATE INDEX push_groups_by_created_at ON push_groups (created_at);
)sql";

// Version 3: which alert each imported CAP message became (CapMessageRecord).
constexpr const char* kSchemaV3 = R"sql(
CREATE TABLE cap_messages (
    sender TEXT NOT NULL,
    identifier TEXT NOT NULL,
    alert_id TEXT NOT NULL,
    decision INTEGER NOT NULL,
    sent INTEGER NOT NULL,
    PRIMARY KEY (sender, identifier)
);
)sql";

Result<std::string> new_epoch() {
    try {
        std::random_device random;
        const std::uint64_t value = (static_cast<std::uint64_t>(random()) << 32) ^ random();
        std::array<char, 17> hex{};
        std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(value));
        return std::string(hex.data(), 16);
    } catch (const std::exception& e) {
        return make_error(ErrorCode::kUnavailable, std::string("create epoch: no random source: ") + e.what());
    }
}

Status migrate_0_to_1(Database& db) {
    if (Status s = db.exec("create tables", kSchemaV1); !s) return s;
    Result<std::string> epoch = new_epoch();
    if (!epoch) return epoch.error();
    Result<Statement> insert = db.prepare("store epoch", "INSERT INTO meta (name, value) VALUES ('epoch', ?1)");
    if (!insert) return insert.error();
    insert->bind_text(1, *epoch);
    return insert->run();
}

// Reads every row of `sql` with `read` (which gets the statement).
template <class Read>
Status read_rows(Database& db, std::string name, std::string_view sql, Read read) {
    Result<Statement> statement = db.prepare(std::move(name), sql);
    if (!statement) return statement.error();
    return statement->for_each_row([&] { read(*statement); });
}

template <class Set>
Status insert_all(Database& db, std::string name, const char* sql, const std::vector<Set>& sets) {
    Result<Statement> statement = db.prepare(std::move(name), sql);
    if (!statement) return statement.error();
    for (const Set& set : sets) {
        if (Status s = insert(*statement, set); !s) return s;
    }
    return Status::Ok();
}

// Converts format-1 rows (a row per recipient, audit entry and push) into sets and groups, in the migration's
// transaction; the old tables go. Old pushes keep their whole bytes as their envelope (no shared body).
Status migrate_1_to_2(Database& db) {
    if (Status s = db.exec("create format-2 tables", kSchemaV2); !s) return s;
    std::vector<RecipientRecord> recipients;
    Status s = read_rows(
        db, "read format-1 recipients", "SELECT alert_number, volunteer, snapshot FROM recipients",
        [&](const Statement& row) {
            recipients.push_back(RecipientRecord{.alert_number = static_cast<std::uint64_t>(row.column_int(0)),
                                                 .volunteer = row.column_bytes(1),
                                                 .snapshot = row.column_bytes(2)});
        });
    if (!s) return s;
    if (s = insert_all(db, "convert recipients", kInsertRecipientSet, recipient_sets(recipients)); !s) return s;
    recipients = {};

    std::vector<AuditRecord> audit;
    s = read_rows(db, "read format-1 audit",
                  "SELECT alert_number, idx, at, entry FROM audit ORDER BY alert_number, idx",
                  [&](const Statement& row) {
                      audit.push_back(AuditRecord{.alert_number = static_cast<std::uint64_t>(row.column_int(0)),
                                                  .index = static_cast<std::uint64_t>(row.column_int(1)),
                                                  .at = core::time_from_ms(row.column_int(2)),
                                                  .entry = row.column_bytes(3)});
                  });
    if (!s) return s;
    if (s = insert_all(db, "convert audit", kInsertAuditSet, audit_sets(audit)); !s) return s;
    audit = {};

    std::vector<DeliveryRecord> deliveries;
    s = read_rows(db, "read format-1 deliveries",
                  "SELECT volunteer, seq, alert_id, kind, payload, created_at FROM deliveries ORDER BY volunteer, seq",
                  [&](const Statement& row) {
                      deliveries.push_back(DeliveryRecord{.volunteer = row.column_bytes(0),
                                                          .seq = static_cast<std::uint64_t>(row.column_int(1)),
                                                          .alert_id = row.column_bytes(2),
                                                          .kind = static_cast<std::uint8_t>(row.column_int(3)),
                                                          .payload = row.column_bytes(4),
                                                          .created_at = core::time_from_ms(row.column_int(5))});
                  });
    if (!s) return s;
    Result<std::vector<PushGroup>> groups = push_groups(deliveries);
    if (!groups) return groups.error();
    for (PushGroup& group : *groups) group.batch = 1;  // one batch: a search for old pushes reads all of them
    if (s = insert_all(db, "convert deliveries", kInsertPushGroup, *groups); !s) return s;
    // cursors.last_seq already holds every volunteer's last seq (format 1 raised it per push): it stays as the floor.
    return db.exec("drop format-1 tables", "DROP TABLE recipients; DROP TABLE audit; DROP TABLE deliveries;");
}

Status migrate_2_to_3(Database& db) {
    return db.exec("create cap_messages", kSchemaV3);
}

// Version 4: the federation outbox (messages to peers, kept until acknowledged).
Status migrate_3_to_4(Database& db) {
    return db.exec("create outbox", R"sql(
CREATE TABLE outbox (
    peer TEXT NOT NULL,
    message_id TEXT NOT NULL,
    payload BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (peer, message_id)
) WITHOUT ROWID;
)sql");
}

// Version 5: the outbox's write order (seq), which created_at and message_id cannot give (messages of one
// millisecond). Messages already queued keep the order version 4 loaded them in.
Status migrate_4_to_5(Database& db) {
    return db.exec("number the outbox", R"sql(
ALTER TABLE outbox ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE outbox SET seq = ordered.n
  FROM (SELECT peer, message_id, ROW_NUMBER() OVER (ORDER BY created_at, peer, message_id) AS n FROM outbox) AS ordered
  WHERE outbox.peer = ordered.peer AND outbox.message_id = ordered.message_id;
CREATE INDEX outbox_by_seq ON outbox (seq);
)sql");
}

using Migration = Status (*)(Database&);
// kMigrations[v] takes a database from version v to v + 1.
constexpr std::array<Migration, kSchemaVersion> kMigrations = {&migrate_0_to_1, &migrate_1_to_2, &migrate_2_to_3,
                                                               &migrate_3_to_4, &migrate_4_to_5};

Result<std::string> query_text(Database& db, std::string name, std::string_view sql) {
    Result<Statement> statement = db.prepare(std::move(name), sql);
    if (!statement) return statement.error();
    std::string text;
    if (Status s = statement->for_each_row([&] { text = statement->column_bytes(0); }); !s) return s.error();
    return text;
}

Result<std::int64_t> query_int(Database& db, std::string name, std::string_view sql) {
    Result<Statement> statement = db.prepare(std::move(name), sql);
    if (!statement) return statement.error();
    std::int64_t value = 0;
    if (Status s = statement->for_each_row([&] { value = statement->column_int(0); }); !s) return s.error();
    return value;
}

Status migrate_in_transaction(Database& db, std::int64_t target) {
    // Read inside the write transaction: another process opening the same directory cannot migrate in between.
    Result<std::int64_t> version = query_int(db, "read schema version", "PRAGMA user_version");
    if (!version) return version.error();
    if (*version < 0 || *version > kSchemaVersion) {
        return make_error(ErrorCode::kUnavailable, "schema version " + std::to_string(*version) +
                                                       " is not one this build knows (0 to " +
                                                       std::to_string(kSchemaVersion) + "): refusing to open");
    }
    if (*version >= target) return Status::Ok();
    for (std::int64_t v = *version; v < target; ++v) {
        if (Status s = kMigrations[static_cast<std::size_t>(v)](db); !s) {
            return make_error(s.error().code,
                              "migrate schema from version " + std::to_string(v) + ": " + s.error().message);
        }
    }
    return db.exec("write schema version", "PRAGMA user_version = " + std::to_string(target));
}

}  // namespace

Status prepare_schema(Database& db, std::int64_t target) {
    if (Status s = db.exec("set busy timeout", "PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs)); !s) {
        return s;
    }
    // WAL: readers never block the writer, and a commit is one append plus one fsync.
    Result<std::string> mode = query_text(db, "set journal mode", "PRAGMA journal_mode = WAL");
    if (!mode) return mode.error();
    if (*mode != "wal") {
        return make_error(ErrorCode::kUnavailable, "set journal mode: SQLite kept '" + *mode + "' instead of WAL");
    }
    // FULL: the WAL is synced at every commit, so an acknowledged apply() survives power loss, not only a crash.
    if (Status s = db.exec("set synchronous", "PRAGMA synchronous = FULL"); !s) return s;

    if (Status s = db.exec("begin migration", "BEGIN IMMEDIATE"); !s) return s;
    Status status = migrate_in_transaction(db, std::clamp<std::int64_t>(target, 0, kSchemaVersion));
    if (status) status = db.exec("commit migration", "COMMIT");
    if (!status && db.in_transaction()) (void)db.exec("roll back migration", "ROLLBACK");
    return status;
}

Result<std::string> read_epoch(Database& db) {
    Result<std::string> epoch = query_text(db, "read epoch", "SELECT value FROM meta WHERE name = 'epoch'");
    if (!epoch) return epoch;
    if (epoch->empty()) return make_error(ErrorCode::kInternal, "read epoch: the meta table has no epoch");
    return epoch;
}

}  // namespace yihu::store::sqlite
