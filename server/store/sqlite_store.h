#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "store/record_sets.h"
#include "store/sqlite_handle.h"
#include "store/store.h"

namespace yihu::store {

// The embedded store (see open_sqlite_store in store/store.h): one file, kDatabaseFileName, in the data directory.
//
// Numbers, seqs and indices are kept as SQLite's signed 64-bit integers: a batch holding one above INT64_MAX is
// refused with kInvalidArgument (a query for one finds nothing). A batch that contradicts what is stored or itself (an
// alert id already used by another number, a (volunteer, seq) twice in the batch) fails with kConflict; storage
// failures are kUnavailable. Recipients, audit entries and pushes are kept in format 2 (sqlite_schema.cpp).
class SqliteStore final : public Store {
  public:
    static constexpr const char* kDatabaseFileName = "yihu.db";

    static Result<std::unique_ptr<SqliteStore>> open(const std::filesystem::path& data_dir);

    Status apply(const WriteBatch& batch) override;
    const std::string& epoch() const override { return epoch_; }

    Result<std::vector<AlertRecord>> load_alerts(bool active_only) override;
    Result<std::optional<AlertRecord>> find_alert(std::string_view id) override;
    Result<std::vector<RecipientRecord>> load_recipients(std::uint64_t alert_number) override;
    Result<std::vector<AuditRecord>> load_audit(std::uint64_t alert_number, std::uint64_t from_index,
                                                std::size_t limit) override;
    Result<std::vector<DeviceRecord>> load_devices() override;
    Result<std::optional<IdempotencyRecord>> find_idempotency(std::string_view key) override;
    Result<std::vector<CapMessageRecord>> load_cap_messages() override;
    Result<std::vector<OutboxRecord>> load_outbox() override;

    Result<VolunteerCursor> cursor(std::string_view volunteer) override;
    Result<std::vector<std::pair<std::string, VolunteerCursor>>> load_cursors() override;
    Result<std::vector<DeliveryRecord>> deliveries_after(std::string_view volunteer, std::uint64_t after_seq,
                                                         std::size_t limit) override;

    Result<std::size_t> trim(Time deliveries_before, Time keys_before) override;

  private:
    // Every statement the store runs, prepared once when it opens.
    struct Statements {
        sqlite::Statement begin;
        sqlite::Statement commit;
        sqlite::Statement rollback;

        sqlite::Statement upsert_alert;
        sqlite::Statement insert_recipient_set;
        sqlite::Statement insert_audit_set;
        sqlite::Statement insert_push_group;
        sqlite::Statement raise_acked_seq;
        sqlite::Statement upsert_device;
        sqlite::Statement insert_idempotency;
        sqlite::Statement insert_cap_message;
        sqlite::Statement insert_outbox;
        sqlite::Statement delete_outbox;
        sqlite::Statement load_outbox;

        sqlite::Statement load_alerts;
        sqlite::Statement find_alert;
        sqlite::Statement load_recipients;
        sqlite::Statement load_audit;
        sqlite::Statement load_devices;
        sqlite::Statement find_idempotency;
        sqlite::Statement load_cap_messages;
        sqlite::Statement cursor;
        sqlite::Statement load_cursors;
        sqlite::Statement push_groups_newest_first;
        sqlite::Statement last_batch;
        sqlite::Statement push_group_body;
        sqlite::Statement all_push_members;

        sqlite::Statement old_push_members;
        sqlite::Statement raise_trimmed_seq;
        sqlite::Statement trim_deliveries;
        sqlite::Statement trim_idempotency;
    };

    SqliteStore(sqlite::Database db, Statements statements, std::string epoch)
        : db_(std::move(db)), statements_(std::move(statements)), epoch_(std::move(epoch)) {}

    // The columns of an alert row, in the order read_alert() (sqlite_store.cpp) reads them.
    static constexpr const char* kAlertColumns = "number, id, active, created_at, updated_at, snapshot";

    static Result<Statements> prepare_statements(sqlite::Database& db);  // in sqlite_store_statements.cpp

    // Runs `body` between BEGIN IMMEDIATE and COMMIT; on any failure rolls back, so nothing of it remains.
    Status in_transaction(const std::function<Status()>& body);
    Status write_batch(const WriteBatch& batch, const std::vector<PushGroup>& groups);
    // Every volunteer's highest seq in the push groups (for cursors: last_seq is the higher of it and the stored one).
    Result<std::map<std::string, std::uint64_t>> group_last_seqs(std::optional<std::string_view> only);

    sqlite::Database db_;  // declared first: destroyed after the statements
    Statements statements_;
    std::string epoch_;
};

}  // namespace yihu::store
