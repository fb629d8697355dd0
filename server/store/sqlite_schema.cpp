#include "store/sqlite_schema.h"

#include <array>
#include <cstdio>
#include <exception>
#include <random>

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

// Version 2: the federation outbox (messages to peers, kept until acknowledged).
Status migrate_1_to_2(Database& db) {
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

using Migration = Status (*)(Database&);
// kMigrations[v] takes a database from version v to v + 1.
constexpr std::array<Migration, kSchemaVersion> kMigrations = {&migrate_0_to_1, &migrate_1_to_2};

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

Status migrate_in_transaction(Database& db) {
    // Read inside the write transaction: another process opening the same directory cannot migrate in between.
    Result<std::int64_t> version = query_int(db, "read schema version", "PRAGMA user_version");
    if (!version) return version.error();
    if (*version < 0 || *version > kSchemaVersion) {
        return make_error(ErrorCode::kUnavailable, "schema version " + std::to_string(*version) +
                                                       " is not one this build knows (0 to " +
                                                       std::to_string(kSchemaVersion) + "): refusing to open");
    }
    if (*version == kSchemaVersion) return Status::Ok();
    for (std::int64_t v = *version; v < kSchemaVersion; ++v) {
        if (Status s = kMigrations[static_cast<std::size_t>(v)](db); !s) {
            return make_error(s.error().code,
                              "migrate schema from version " + std::to_string(v) + ": " + s.error().message);
        }
    }
    return db.exec("write schema version", "PRAGMA user_version = " + std::to_string(kSchemaVersion));
}

}  // namespace

Status prepare_schema(Database& db) {
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
    Status status = migrate_in_transaction(db);
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
