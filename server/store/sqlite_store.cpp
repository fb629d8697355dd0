#include "store/sqlite_store.h"

#include <cstdint>
#include <limits>
#include <system_error>

#include "store/sqlite_schema.h"

namespace yihu::store {

using core::ErrorCode;
using core::make_error;
using core::time_from_ms;
using core::to_ms;
using sqlite::Statement;

namespace {

constexpr std::uint64_t kMaxStored = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

std::int64_t stored(std::uint64_t value) {
    return static_cast<std::int64_t>(value);
}
// Only values written through stored() are read back, so they are never negative.
std::uint64_t unsigned_column(const Statement& statement, int index) {
    return static_cast<std::uint64_t>(statement.column_int(index));
}
// SQLite reads a negative LIMIT as "no limit"; a limit this large is no limit anyway.
std::int64_t stored_limit(std::size_t limit) {
    return limit > kMaxStored ? static_cast<std::int64_t>(kMaxStored) : static_cast<std::int64_t>(limit);
}

core::Error with_context(std::string_view context, const core::Error& error) {
    return make_error(error.code, std::string(context) + ": " + error.message);
}

Status check_storable(std::string_view what, std::uint64_t value) {
    if (value <= kMaxStored) return Status::Ok();
    return make_error(ErrorCode::kInvalidArgument, "apply: " + std::string(what) + " " + std::to_string(value) +
                                                       " is above the largest storable value (2^63 - 1)");
}

// Refused before the transaction starts, so an unstorable value never reaches SQLite as a negative number.
Status check_batch(const WriteBatch& batch) {
    for (const AlertRecord& alert : batch.alerts) {
        if (Status s = check_storable("alert number", alert.number); !s) return s;
    }
    for (const RecipientRecord& recipient : batch.recipients) {
        if (Status s = check_storable("recipient alert number", recipient.alert_number); !s) return s;
    }
    for (const AuditRecord& entry : batch.audit) {
        if (Status s = check_storable("audit alert number", entry.alert_number); !s) return s;
        if (Status s = check_storable("audit index", entry.index); !s) return s;
    }
    for (const DeliveryRecord& delivery : batch.deliveries) {
        if (Status s = check_storable("delivery seq", delivery.seq); !s) return s;
    }
    for (const auto& [volunteer, seq] : batch.acks) {
        if (Status s = check_storable("acked seq", seq); !s) return s;
    }
    return Status::Ok();
}

// Reads a row of kAlertColumns.
AlertRecord read_alert(const Statement& statement) {
    return AlertRecord{
        .number = unsigned_column(statement, 0),
        .id = statement.column_bytes(1),
        .active = statement.column_int(2) != 0,
        .created_at = time_from_ms(statement.column_int(3)),
        .updated_at = time_from_ms(statement.column_int(4)),
        .snapshot = statement.column_bytes(5),
    };
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::filesystem::path& data_dir) {
    const std::string context = "open sqlite store in '" + data_dir.string() + "'";
    if (data_dir.empty()) return make_error(ErrorCode::kInvalidArgument, context + ": no data directory given");
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    if (ec) return make_error(ErrorCode::kUnavailable, context + ": create directory: " + ec.message());

    Result<sqlite::Database> db = sqlite::Database::open(data_dir / kDatabaseFileName);
    if (!db) return with_context(context, db.error());
    if (Status s = sqlite::prepare_schema(*db); !s) return with_context(context, s.error());
    Result<Statements> statements = prepare_statements(*db);
    if (!statements) return with_context(context, statements.error());
    Result<std::string> epoch = sqlite::read_epoch(*db);
    if (!epoch) return with_context(context, epoch.error());
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), std::move(*statements), std::move(*epoch)));
}

Status SqliteStore::in_transaction(const std::function<Status()>& body) {
    Status status = statements_.begin.run();
    if (!status) return status;
    status = body();
    if (status) status = statements_.commit.run();
    // SQLite ends the transaction itself after some failures (a full disk, an I/O error); then there is nothing to
    // roll back.
    if (!status && db_.in_transaction()) (void)statements_.rollback.run();
    return status;
}

Status SqliteStore::write_batch(const WriteBatch& batch) {
    Statements& s = statements_;
    for (const AlertRecord& alert : batch.alerts) {
        s.upsert_alert.bind_int(1, stored(alert.number));
        s.upsert_alert.bind_text(2, alert.id);
        s.upsert_alert.bind_int(3, alert.active ? 1 : 0);
        s.upsert_alert.bind_int(4, to_ms(alert.created_at));
        s.upsert_alert.bind_int(5, to_ms(alert.updated_at));
        s.upsert_alert.bind_blob(6, alert.snapshot);
        if (Status status = s.upsert_alert.run(); !status) return status;
    }
    for (const RecipientRecord& recipient : batch.recipients) {
        s.upsert_recipient.bind_int(1, stored(recipient.alert_number));
        s.upsert_recipient.bind_text(2, recipient.volunteer);
        s.upsert_recipient.bind_blob(3, recipient.snapshot);
        if (Status status = s.upsert_recipient.run(); !status) return status;
    }
    for (const AuditRecord& entry : batch.audit) {
        s.insert_audit.bind_int(1, stored(entry.alert_number));
        s.insert_audit.bind_int(2, stored(entry.index));
        s.insert_audit.bind_int(3, to_ms(entry.at));
        s.insert_audit.bind_blob(4, entry.entry);
        if (Status status = s.insert_audit.run(); !status) return status;
    }
    for (const DeliveryRecord& delivery : batch.deliveries) {
        s.insert_delivery.bind_text(1, delivery.volunteer);
        s.insert_delivery.bind_int(2, stored(delivery.seq));
        s.insert_delivery.bind_text(3, delivery.alert_id);
        s.insert_delivery.bind_int(4, delivery.kind);
        s.insert_delivery.bind_blob(5, delivery.payload);
        s.insert_delivery.bind_int(6, to_ms(delivery.created_at));
        if (Status status = s.insert_delivery.run(); !status) return status;
        s.raise_last_seq.bind_text(1, delivery.volunteer);
        s.raise_last_seq.bind_int(2, stored(delivery.seq));
        if (Status status = s.raise_last_seq.run(); !status) return status;
    }
    for (const auto& [volunteer, seq] : batch.acks) {
        s.raise_acked_seq.bind_text(1, volunteer);
        s.raise_acked_seq.bind_int(2, stored(seq));
        if (Status status = s.raise_acked_seq.run(); !status) return status;
    }
    for (const DeviceRecord& device : batch.devices) {
        s.upsert_device.bind_text(1, device.id);
        s.upsert_device.bind_blob(2, device.snapshot);
        if (Status status = s.upsert_device.run(); !status) return status;
    }
    for (const IdempotencyRecord& record : batch.idempotency) {
        s.insert_idempotency.bind_text(1, record.key);
        s.insert_idempotency.bind_blob(2, record.request_digest);
        s.insert_idempotency.bind_text(3, record.alert_id);
        s.insert_idempotency.bind_int(4, to_ms(record.created_at));
        if (Status status = s.insert_idempotency.run(); !status) return status;
    }
    for (const OutboxRecord& record : batch.outbox) {
        s.insert_outbox.bind_text(1, record.peer);
        s.insert_outbox.bind_text(2, record.message_id);
        s.insert_outbox.bind_blob(3, record.payload);
        s.insert_outbox.bind_int(4, to_ms(record.created_at));
        if (Status status = s.insert_outbox.run(); !status) return status;
    }
    for (const auto& [peer, message_id] : batch.outbox_done) {
        s.delete_outbox.bind_text(1, peer);
        s.delete_outbox.bind_text(2, message_id);
        if (Status status = s.delete_outbox.run(); !status) return status;
    }
    return Status::Ok();
}

Status SqliteStore::apply(const WriteBatch& batch) {
    if (Status s = check_batch(batch); !s) return s;
    if (batch.empty()) return Status::Ok();
    if (Status s = in_transaction([&] { return write_batch(batch); }); !s) return with_context("apply", s.error());
    return Status::Ok();
}

Result<std::vector<AlertRecord>> SqliteStore::load_alerts(bool active_only) {
    Statement& statement = statements_.load_alerts;
    statement.bind_int(1, active_only ? 1 : 0);
    std::vector<AlertRecord> alerts;
    if (Status s = statement.for_each_row([&] { alerts.push_back(read_alert(statement)); }); !s) return s.error();
    return alerts;
}

Result<std::optional<AlertRecord>> SqliteStore::find_alert(std::string_view id) {
    Statement& statement = statements_.find_alert;
    statement.bind_text(1, id);
    std::optional<AlertRecord> alert;
    if (Status s = statement.for_each_row([&] { alert = read_alert(statement); }); !s) return s.error();
    return alert;
}

Result<std::vector<RecipientRecord>> SqliteStore::load_recipients(std::uint64_t alert_number) {
    std::vector<RecipientRecord> recipients;
    if (alert_number > kMaxStored) return recipients;
    Statement& statement = statements_.load_recipients;
    statement.bind_int(1, stored(alert_number));
    Status s = statement.for_each_row([&] {
        recipients.push_back(RecipientRecord{
            .alert_number = unsigned_column(statement, 0),
            .volunteer = statement.column_bytes(1),
            .snapshot = statement.column_bytes(2),
        });
    });
    if (!s) return s.error();
    return recipients;
}

Result<std::vector<AuditRecord>> SqliteStore::load_audit(std::uint64_t alert_number, std::uint64_t from_index,
                                                         std::size_t limit) {
    std::vector<AuditRecord> entries;
    if (alert_number > kMaxStored || from_index > kMaxStored || limit == 0) return entries;
    Statement& statement = statements_.load_audit;
    statement.bind_int(1, stored(alert_number));
    statement.bind_int(2, stored(from_index));
    statement.bind_int(3, stored_limit(limit));
    Status s = statement.for_each_row([&] {
        entries.push_back(AuditRecord{
            .alert_number = unsigned_column(statement, 0),
            .index = unsigned_column(statement, 1),
            .at = time_from_ms(statement.column_int(2)),
            .entry = statement.column_bytes(3),
        });
    });
    if (!s) return s.error();
    return entries;
}

Result<std::vector<DeviceRecord>> SqliteStore::load_devices() {
    Statement& statement = statements_.load_devices;
    std::vector<DeviceRecord> devices;
    Status s = statement.for_each_row([&] {
        devices.push_back(DeviceRecord{.id = statement.column_bytes(0), .snapshot = statement.column_bytes(1)});
    });
    if (!s) return s.error();
    return devices;
}

Result<std::optional<IdempotencyRecord>> SqliteStore::find_idempotency(std::string_view key) {
    Statement& statement = statements_.find_idempotency;
    statement.bind_text(1, key);
    std::optional<IdempotencyRecord> record;
    Status s = statement.for_each_row([&] {
        record = IdempotencyRecord{
            .key = statement.column_bytes(0),
            .request_digest = statement.column_bytes(1),
            .alert_id = statement.column_bytes(2),
            .created_at = time_from_ms(statement.column_int(3)),
        };
    });
    if (!s) return s.error();
    return record;
}

Result<std::vector<OutboxRecord>> SqliteStore::load_outbox() {
    Statement& statement = statements_.load_outbox;
    std::vector<OutboxRecord> records;
    Status s = statement.for_each_row([&] {
        records.push_back(OutboxRecord{
            .peer = statement.column_bytes(0),
            .message_id = statement.column_bytes(1),
            .payload = statement.column_bytes(2),
            .created_at = time_from_ms(statement.column_int(3)),
        });
    });
    if (!s) return s.error();
    return records;
}

Result<VolunteerCursor> SqliteStore::cursor(std::string_view volunteer) {
    Statement& statement = statements_.cursor;
    statement.bind_text(1, volunteer);
    VolunteerCursor cursor;
    Status s = statement.for_each_row([&] {
        cursor = VolunteerCursor{
            .last_seq = unsigned_column(statement, 0),
            .acked_seq = unsigned_column(statement, 1),
            .trimmed_seq = unsigned_column(statement, 2),
        };
    });
    if (!s) return s.error();
    return cursor;
}

Result<std::vector<std::pair<std::string, VolunteerCursor>>> SqliteStore::load_cursors() {
    Statement& statement = statements_.load_cursors;
    std::vector<std::pair<std::string, VolunteerCursor>> cursors;
    Status s = statement.for_each_row([&] {
        cursors.emplace_back(statement.column_bytes(0), VolunteerCursor{
                                                            .last_seq = unsigned_column(statement, 1),
                                                            .acked_seq = unsigned_column(statement, 2),
                                                            .trimmed_seq = unsigned_column(statement, 3),
                                                        });
    });
    if (!s) return s.error();
    return cursors;
}

Result<std::vector<DeliveryRecord>> SqliteStore::deliveries_after(std::string_view volunteer, std::uint64_t after_seq,
                                                                  std::size_t limit) {
    std::vector<DeliveryRecord> deliveries;
    if (after_seq >= kMaxStored || limit == 0) return deliveries;
    Statement& statement = statements_.deliveries_after;
    statement.bind_text(1, volunteer);
    statement.bind_int(2, stored(after_seq));
    statement.bind_int(3, stored_limit(limit));
    Status s = statement.for_each_row([&] {
        deliveries.push_back(DeliveryRecord{
            .volunteer = statement.column_bytes(0),
            .seq = unsigned_column(statement, 1),
            .alert_id = statement.column_bytes(2),
            .kind = static_cast<std::uint8_t>(statement.column_int(3)),
            .payload = statement.column_bytes(4),
            .created_at = time_from_ms(statement.column_int(5)),
        });
    });
    if (!s) return s.error();
    return deliveries;
}

Result<std::size_t> SqliteStore::trim(Time deliveries_before, Time keys_before) {
    std::size_t removed = 0;
    Status status = in_transaction([&]() -> Status {
        Statements& s = statements_;
        s.raise_trimmed_seq.bind_int(1, to_ms(deliveries_before));
        if (Status st = s.raise_trimmed_seq.run(); !st) return st;
        s.trim_deliveries.bind_int(1, to_ms(deliveries_before));
        if (Status st = s.trim_deliveries.run(); !st) return st;
        removed += static_cast<std::size_t>(db_.changes());
        s.trim_idempotency.bind_int(1, to_ms(keys_before));
        if (Status st = s.trim_idempotency.run(); !st) return st;
        removed += static_cast<std::size_t>(db_.changes());
        return Status::Ok();
    });
    if (!status) return with_context("trim", status.error());
    return removed;
}

Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& data_dir) {
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(data_dir);
    if (!store) return store.error();
    return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace yihu::store
