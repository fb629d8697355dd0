// The SQL of every statement the SQLite store runs, in one place next to the schema it relies on
// (sqlite_schema.cpp).

#include "store/sqlite_sets.h"
#include "store/sqlite_store.h"

namespace yihu::store {

using sqlite::Statement;

Result<SqliteStore::Statements> SqliteStore::prepare_statements(sqlite::Database& db) {
    Statements s;
    struct Definition {
        Statement* target;
        const char* name;
        std::string sql;
    };
    const std::string alert_columns = kAlertColumns;
    const Definition definitions[] = {
        {&s.begin, "begin", "BEGIN IMMEDIATE"},
        {&s.commit, "commit", "COMMIT"},
        {&s.rollback, "roll back", "ROLLBACK"},

        {&s.upsert_alert, "upsert alert",
         "INSERT INTO alerts (" + alert_columns +
             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (number) DO UPDATE SET id = excluded.id, "
             "active = excluded.active, created_at = excluded.created_at, updated_at = excluded.updated_at, "
             "snapshot = excluded.snapshot"},
        {&s.insert_recipient_set, "insert recipient set", sqlite::kInsertRecipientSet},
        {&s.insert_audit_set, "insert audit set", sqlite::kInsertAuditSet},
        {&s.insert_push_group, "insert push group", sqlite::kInsertPushGroup},
        {&s.raise_acked_seq, "raise acked seq",
         "INSERT INTO cursors (volunteer, acked_seq) VALUES (?1, ?2) "
         "ON CONFLICT (volunteer) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq)"},
        {&s.upsert_device, "upsert device",
         "INSERT INTO devices (id, snapshot) VALUES (?1, ?2) "
         "ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot"},
        {&s.insert_idempotency, "insert idempotency key",
         "INSERT INTO idempotency (idempotency_key, request_digest, alert_id, created_at) VALUES (?1, ?2, ?3, ?4) "
         "ON CONFLICT (idempotency_key) DO NOTHING"},
        {&s.insert_cap_message, "insert CAP message",
         "INSERT INTO cap_messages (sender, identifier, alert_id, decision, sent) VALUES (?1, ?2, ?3, ?4, ?5) "
         "ON CONFLICT (sender, identifier) DO NOTHING"},
        {&s.insert_outbox, "insert outbox message",
         // seq: above every message still queued, so the load order is the write order (outbox_by_seq makes the
         // MAX one index step).
         "INSERT INTO outbox (peer, message_id, payload, created_at, seq) "
         "VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox)) "
         "ON CONFLICT (peer, message_id) DO NOTHING"},
        {&s.delete_outbox, "delete outbox message", "DELETE FROM outbox WHERE peer = ?1 AND message_id = ?2"},
        {&s.load_outbox, "load outbox", "SELECT peer, message_id, payload, created_at FROM outbox ORDER BY seq"},

        {&s.load_alerts, "load alerts",
         "SELECT " + alert_columns + " FROM alerts WHERE ?1 = 0 OR active = 1 ORDER BY number"},
        {&s.find_alert, "find alert", "SELECT " + alert_columns + " FROM alerts WHERE id = ?1"},
        {&s.load_recipients, "load recipients",
         "SELECT members FROM recipient_sets WHERE alert_number = ?1 ORDER BY id"},
        {&s.load_audit, "load audit",
         "SELECT entries FROM audit_sets WHERE alert_number = ?1 AND max_idx >= ?2 ORDER BY id"},
        {&s.load_devices, "load devices", "SELECT id, snapshot FROM devices ORDER BY id"},
        {&s.find_idempotency, "find idempotency key",
         "SELECT idempotency_key, request_digest, alert_id, created_at FROM idempotency WHERE idempotency_key = ?1"},
        {&s.load_cap_messages, "load CAP messages",
         "SELECT sender, identifier, alert_id, decision, sent FROM cap_messages"},
        {&s.cursor, "read cursor", "SELECT last_seq, acked_seq, trimmed_seq FROM cursors WHERE volunteer = ?1"},
        {&s.load_cursors, "load cursors",
         "SELECT volunteer, last_seq, acked_seq, trimmed_seq FROM cursors ORDER BY volunteer"},
        {&s.push_groups_newest_first, "scan push groups",
         "SELECT id, created_at, alert_id, kind, members, batch FROM push_groups ORDER BY id DESC"},
        {&s.last_batch, "read last batch", "SELECT batch FROM push_groups ORDER BY id DESC LIMIT 1"},
        {&s.push_group_body, "read push group body", "SELECT body FROM push_groups WHERE id = ?1"},
        {&s.all_push_members, "scan push members", "SELECT members FROM push_groups"},

        {&s.old_push_members, "scan old push groups", "SELECT count, members FROM push_groups WHERE created_at < ?1"},
        // Before a group goes, its seqs raise the floor of last_seq and trimmed_seq.
        {&s.raise_trimmed_seq, "raise trimmed seq",
         "INSERT INTO cursors (volunteer, last_seq, trimmed_seq) VALUES (?1, ?2, ?2) ON CONFLICT (volunteer) DO UPDATE "
         "SET last_seq = max(last_seq, excluded.last_seq), trimmed_seq = max(trimmed_seq, excluded.trimmed_seq)"},
        {&s.trim_deliveries, "delete old push groups", "DELETE FROM push_groups WHERE created_at < ?1"},
        {&s.trim_idempotency, "delete old idempotency keys", "DELETE FROM idempotency WHERE created_at < ?1"},
    };
    for (const Definition& definition : definitions) {
        Result<Statement> statement = db.prepare(definition.name, definition.sql);
        if (!statement) return statement.error();
        *definition.target = std::move(*statement);
    }
    return s;
}

}  // namespace yihu::store
