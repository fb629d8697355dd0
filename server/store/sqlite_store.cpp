#include "store/sqlite_store.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <system_error>

#include "store/sqlite_schema.h"
#include "store/sqlite_sets.h"

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

core::Error corrupt(const std::string& what) {
    return make_error(ErrorCode::kUnavailable, "sqlite store: unreadable " + what);
}

void raise_to(std::uint64_t& value, std::uint64_t to) {
    value = std::max(value, to);
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

Status SqliteStore::write_batch(const WriteBatch& batch, const std::vector<PushGroup>& groups) {
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
    for (const RecipientSet& set : recipient_sets(batch.recipients)) {
        if (Status status = sqlite::insert(s.insert_recipient_set, set); !status) return status;
    }
    for (const AuditSet& set : audit_sets(batch.audit)) {
        if (Status status = sqlite::insert(s.insert_audit_set, set); !status) return status;
    }
    for (const PushGroup& group : groups) {
        if (Status status = sqlite::insert(s.insert_push_group, group); !status) return status;
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
    for (const CapMessageRecord& record : batch.cap_messages) {
        s.insert_cap_message.bind_text(1, record.sender);
        s.insert_cap_message.bind_text(2, record.identifier);
        s.insert_cap_message.bind_text(3, record.alert_id);
        s.insert_cap_message.bind_int(4, record.decision);
        s.insert_cap_message.bind_int(5, to_ms(record.sent));
        if (Status status = s.insert_cap_message.run(); !status) return status;
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
    Result<std::vector<PushGroup>> groups = push_groups(batch.deliveries);
    if (!groups) return with_context("apply", groups.error());
    Status status = in_transaction([&]() -> Status {
        if (!groups->empty()) {
            std::uint64_t last = 0;
            Statement& read = statements_.last_batch;
            if (Status s = read.for_each_row([&] { last = unsigned_column(read, 0); }); !s) return s;
            for (PushGroup& group : *groups) group.batch = last + 1;
        }
        return write_batch(batch, *groups);
    });
    if (Status s = status; !s) {
        return with_context("apply", s.error());
    }
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
    std::map<std::string, RecipientRecord> merged;
    bool readable = true;
    Status s = statement.for_each_row(
        [&] { readable = readable && read_recipient_set(statement.column_view(0), alert_number, merged); });
    if (!s) return s.error();
    if (!readable) return corrupt("recipient set of alert " + std::to_string(alert_number));
    recipients.reserve(merged.size());
    for (auto& [volunteer, record] : merged) recipients.push_back(std::move(record));
    return recipients;
}

Result<std::vector<AuditRecord>> SqliteStore::load_audit(std::uint64_t alert_number, std::uint64_t from_index,
                                                         std::size_t limit) {
    std::vector<AuditRecord> entries;
    if (alert_number > kMaxStored || from_index > kMaxStored || limit == 0) return entries;
    Statement& statement = statements_.load_audit;
    statement.bind_int(1, stored(alert_number));
    statement.bind_int(2, stored(from_index));
    std::map<std::uint64_t, AuditRecord> merged;
    bool readable = true;
    Status s = statement.for_each_row(
        [&] { readable = readable && read_audit_set(statement.column_view(0), alert_number, from_index, merged); });
    if (!s) return s.error();
    if (!readable) return corrupt("audit set of alert " + std::to_string(alert_number));
    for (auto& [index, record] : merged) {
        if (entries.size() == limit) break;
        entries.push_back(std::move(record));
    }
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

Result<std::map<std::string, std::uint64_t>> SqliteStore::group_last_seqs(std::optional<std::string_view> only) {
    std::map<std::string, std::uint64_t> last;
    Statement& statement = statements_.all_push_members;
    bool readable = true;
    Status s = statement.for_each_row([&] {
        std::optional<PushMembers> members = PushMembers::parse(statement.column_view(0));
        if (!members) {
            readable = false;
            return;
        }
        if (only) {
            for (const PushMembers::Member& m : members->of(*only)) raise_to(last[std::string(*only)], m.seq);
            return;
        }
        for (std::size_t i = 0; i < members->size(); ++i) {
            const PushMembers::Member m = members->at(i);
            raise_to(last[std::string(m.volunteer)], m.seq);
        }
    });
    if (!s) return s.error();
    if (!readable) return corrupt("push group");
    return last;
}

Result<std::vector<CapMessageRecord>> SqliteStore::load_cap_messages() {
    Statement& statement = statements_.load_cap_messages;
    std::vector<CapMessageRecord> records;
    Status s = statement.for_each_row([&] {
        records.push_back(CapMessageRecord{
            .sender = statement.column_bytes(0),
            .identifier = statement.column_bytes(1),
            .alert_id = statement.column_bytes(2),
            .decision = static_cast<std::uint8_t>(statement.column_int(3)),
            .sent = time_from_ms(statement.column_int(4)),
        });
    });
    if (!s) return s.error();
    return records;
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
    Result<std::map<std::string, std::uint64_t>> last = group_last_seqs(volunteer);
    if (!last) return last.error();
    for (const auto& [name, seq] : *last) raise_to(cursor.last_seq, seq);
    return cursor;
}

Result<std::vector<std::pair<std::string, VolunteerCursor>>> SqliteStore::load_cursors() {
    Statement& statement = statements_.load_cursors;
    std::map<std::string, VolunteerCursor> cursors;
    Status s = statement.for_each_row([&] {
        cursors.emplace(statement.column_bytes(0), VolunteerCursor{
                                                       .last_seq = unsigned_column(statement, 1),
                                                       .acked_seq = unsigned_column(statement, 2),
                                                       .trimmed_seq = unsigned_column(statement, 3),
                                                   });
    });
    if (!s) return s.error();
    Result<std::map<std::string, std::uint64_t>> last = group_last_seqs(std::nullopt);
    if (!last) return last.error();
    for (const auto& [name, seq] : *last) raise_to(cursors[name].last_seq, seq);
    return std::vector<std::pair<std::string, VolunteerCursor>>(cursors.begin(), cursors.end());
}

Result<std::vector<DeliveryRecord>> SqliteStore::deliveries_after(std::string_view volunteer, std::uint64_t after_seq,
                                                                  std::size_t limit) {
    std::vector<DeliveryRecord> deliveries;
    if (after_seq >= kMaxStored || limit == 0) return deliveries;
    // Newest group first; a group's body is read only if the volunteer is in it.
    struct Hit {
        std::int64_t id;
        PushGroup group;
        std::vector<std::pair<std::uint64_t, std::string>> members;  // seq, head
    };
    std::vector<Hit> hits;
    bool readable = true;
    PushSearch search(after_seq);
    Statement& scan = statements_.push_groups_newest_first;
    Status s = scan.for_each_row([&] {
        const std::uint64_t batch = unsigned_column(scan, 5);
        if (!search.wants(batch) || !readable) return;
        std::optional<PushMembers> members = PushMembers::parse(scan.column_view(4));
        if (!members) {
            readable = false;
            return;
        }
        std::vector<PushMembers::Member> mine = members->of(volunteer);
        if (mine.empty()) return;
        Hit hit{.id = scan.column_int(0),
                .group = PushGroup{.created_at = time_from_ms(scan.column_int(1)),
                                   .alert_id = scan.column_bytes(2),
                                   .kind = static_cast<std::uint8_t>(scan.column_int(3))},
                .members = {}};
        for (const PushMembers::Member& m : mine) hit.members.emplace_back(m.seq, std::string(m.head));
        hits.push_back(std::move(hit));
        search.saw(batch, mine);
    });
    if (!s) return s.error();
    if (!readable) return corrupt("push group");
    for (Hit& hit : hits) {
        Statement& body = statements_.push_group_body;
        body.bind_int(1, hit.id);
        if (Status st = body.for_each_row([&] { hit.group.body = body.column_bytes(0); }); !st) return st.error();
        std::vector<PushMembers::Member> members;
        for (const auto& [seq, head] : hit.members) {
            members.push_back(PushMembers::Member{.volunteer = volunteer, .seq = seq, .head = head});
        }
        append_deliveries(hit.group, members, after_seq, deliveries);
    }
    finish_deliveries(deliveries, limit);
    return deliveries;
}

Result<std::size_t> SqliteStore::trim(Time deliveries_before, Time keys_before) {
    std::size_t removed = 0;
    Status status = in_transaction([&]() -> Status {
        Statements& s = statements_;
        std::map<std::string, std::uint64_t> top;
        bool readable = true;
        s.old_push_members.bind_int(1, to_ms(deliveries_before));
        Status st = s.old_push_members.for_each_row([&] {
            removed += static_cast<std::size_t>(s.old_push_members.column_int(0));
            std::optional<PushMembers> members = PushMembers::parse(s.old_push_members.column_view(1));
            if (!members) {
                readable = false;
                return;
            }
            for (std::size_t i = 0; i < members->size(); ++i) {
                const PushMembers::Member m = members->at(i);
                raise_to(top[std::string(m.volunteer)], m.seq);
            }
        });
        if (!st) return st;
        if (!readable) return corrupt("push group");
        for (const auto& [volunteer, seq] : top) {
            s.raise_trimmed_seq.bind_text(1, volunteer);
            s.raise_trimmed_seq.bind_int(2, stored(seq));
            if (st = s.raise_trimmed_seq.run(); !st) return st;
        }
        s.trim_deliveries.bind_int(1, to_ms(deliveries_before));
        if (st = s.trim_deliveries.run(); !st) return st;
        s.trim_idempotency.bind_int(1, to_ms(keys_before));
        if (st = s.trim_idempotency.run(); !st) return st;
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
