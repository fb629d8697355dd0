// The SQLite store: the Store contract, plus what only an embedded file store has (the file, the schema version,
// surviving a killed process, a directory that cannot be used).

#include "store/sqlite_store.h"

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <limits>

#include "store/sqlite_handle.h"
#include "store/sqlite_schema.h"
#include "store/store_contract.h"

namespace yihu::store {
namespace {

using core::ErrorCode;

std::unique_ptr<Store> open_for_test(const std::filesystem::path& dir) {
    Result<std::unique_ptr<Store>> store = open_sqlite_store(dir);
    if (!store.ok()) {
        ADD_FAILURE() << store.error().message;
        return nullptr;
    }
    return std::move(store).value();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(StoreBackend{"sqlite", open_for_test}),
                         backend_name);

// Reads one value with a plain connection, next to the store's.
std::string query_text(const std::filesystem::path& dir, std::string_view sql) {
    Result<sqlite::Database> db = sqlite::Database::open(dir / SqliteStore::kDatabaseFileName);
    if (!db.ok()) {
        ADD_FAILURE() << db.error().message;
        return {};
    }
    Result<sqlite::Statement> statement = db->prepare("test query", sql);
    if (!statement.ok()) {
        ADD_FAILURE() << statement.error().message;
        return {};
    }
    std::string text;
    const Status status = statement->for_each_row([&] { text = statement->column_bytes(0); });
    EXPECT_TRUE(status.ok()) << status.error().message;
    return text;
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

TEST(SqliteStoreTest, CreatesTheDirectoryAndTheDatabaseFile) {
    TempDir dir;
    const std::filesystem::path data_dir = dir.path() / "nested" / "data";
    ASSERT_TRUE(open_sqlite_store(data_dir).ok());
    EXPECT_TRUE(std::filesystem::is_regular_file(data_dir / "yihu.db"));
}

TEST(SqliteStoreTest, UsesWalAndWritesTheSchemaVersion) {
    TempDir dir;
    ASSERT_TRUE(open_sqlite_store(dir.path()).ok());
    EXPECT_EQ(query_text(dir.path(), "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(query_text(dir.path(), "PRAGMA user_version"), std::to_string(sqlite::kSchemaVersion));
}

TEST(SqliteStoreTest, EpochIsSixteenHexCharactersKeptInTheFile) {
    TempDir dir;
    Result<std::unique_ptr<Store>> store = open_sqlite_store(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    const std::string epoch = (*store)->epoch();
    ASSERT_EQ(epoch.size(), 16u);
    for (char c : epoch) EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(c))) << epoch;
    EXPECT_EQ(query_text(dir.path(), "SELECT value FROM meta WHERE name = 'epoch'"), epoch);
}

TEST(SqliteStoreTest, RefusesASchemaNewerThanItKnows) {
    TempDir dir;
    ASSERT_TRUE(open_sqlite_store(dir.path()).ok());
    {
        Result<sqlite::Database> db = sqlite::Database::open(dir.path() / SqliteStore::kDatabaseFileName);
        ASSERT_TRUE(db.ok());
        const std::string newer = "PRAGMA user_version = " + std::to_string(sqlite::kSchemaVersion + 1);
        ASSERT_TRUE(db->exec("test", newer).ok());
    }
    Result<std::unique_ptr<Store>> store = open_sqlite_store(dir.path());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(store.error().message.find("schema version " + std::to_string(sqlite::kSchemaVersion + 1)),
              std::string::npos)
        << store.error().message;
}

TEST(SqliteStoreTest, OpeningUnderARegularFileFails) {
    TempDir dir;
    const std::filesystem::path file = dir.path() / "not-a-directory";
    write_file(file, "x");

    Result<std::unique_ptr<Store>> under = open_sqlite_store(file / "data");
    ASSERT_FALSE(under.ok());
    EXPECT_EQ(under.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(under.error().message.find("not-a-directory"), std::string::npos) << under.error().message;

    Result<std::unique_ptr<Store>> at = open_sqlite_store(file);
    ASSERT_FALSE(at.ok());
    EXPECT_EQ(at.error().code, ErrorCode::kUnavailable) << at.error().message;
}

TEST(SqliteStoreTest, AFileThatIsNotADatabaseFails) {
    TempDir dir;
    write_file(dir.path() / "yihu.db", std::string(8192, 'x'));
    Result<std::unique_ptr<Store>> store = open_sqlite_store(dir.path());
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
    EXPECT_FALSE(store.error().message.empty());
}

TEST(SqliteStoreTest, EmptyDirectoryPathIsRefused) {
    Result<std::unique_ptr<Store>> store = open_sqlite_store("");
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().code, ErrorCode::kInvalidArgument);
}

// Opens the store in `dir` in a forked child, applies `batch` there and ends the child with _exit (no destructor, no
// checkpoint), as a process killed right after apply() returned.
void apply_in_a_process_that_dies(const TempDir& dir, const WriteBatch& batch) {
    const pid_t child = fork();
    ASSERT_NE(child, -1);
    if (child == 0) {
        Result<std::unique_ptr<Store>> store = open_sqlite_store(dir.path());
        if (!store.ok()) _exit(2);
        _exit((*store)->apply(batch).ok() ? 0 : 3);
    }
    int wait_status = 0;
    ASSERT_EQ(waitpid(child, &wait_status, 0), child);
    ASSERT_TRUE(WIFEXITED(wait_status));
    ASSERT_EQ(WEXITSTATUS(wait_status), 0) << "2: open failed, 3: apply failed";
}

// The child applies a batch and dies without closing anything (no destructor, no checkpoint); what apply()
// acknowledged must be there for the next process.
TEST(SqliteStoreTest, AppliedBatchSurvivesAKilledProcess) {
    TempDir dir;
    ASSERT_NO_FATAL_FAILURE(apply_in_a_process_that_dies(
        dir, {.alerts = {make_alert(1, "a-1")}, .deliveries = {make_delivery("v1", 1)}, .acks = {{"v1", 1}}}));

    Result<std::unique_ptr<Store>> store = open_sqlite_store(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(fields(expect_ok((*store)->load_alerts(false))), fields(std::vector{make_alert(1, "a-1")}));
    EXPECT_EQ(fields(expect_ok((*store)->deliveries_after("v1", 0, 10))), fields(std::vector{make_delivery("v1", 1)}));
    EXPECT_EQ(fields(expect_ok((*store)->cursor("v1"))), fields(VolunteerCursor{1, 1, 0}));
}

// A city-wide alert's batch (15,000 recipients, audit entries and pushes sharing one body) acknowledged by a process
// that then dies: all of it is read back by the next one.
TEST(SqliteStoreTest, LargeBatchSurvivesAKilledProcess) {
    constexpr std::size_t kRecipients = 15'000;
    TempDir dir;
    const WriteBatch batch = city_wide_batch(kRecipients);
    ASSERT_NO_FATAL_FAILURE(apply_in_a_process_that_dies(dir, batch));

    Result<std::unique_ptr<Store>> store = open_sqlite_store(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    expect_city_wide_batch(**store, batch);
}

// A database written by the previous build (schema 1: a row per recipient, audit entry and push) is converted when
// the store opens, and reads back exactly.
TEST(SqliteStoreTest, SchemaOneIsMigratedWithEveryRecord) {
    TempDir dir;
    {
        Result<sqlite::Database> db = sqlite::Database::open(dir.path() / SqliteStore::kDatabaseFileName);
        ASSERT_TRUE(db.ok()) << db.error().message;
        ASSERT_TRUE(sqlite::prepare_schema(*db, 1).ok());
        const char* rows = R"sql(
            INSERT INTO alerts VALUES (1, 'a-1', 1, 1000, 1500, 'alert a-1');
            INSERT INTO recipients VALUES (1, 'v2', 'r2'), (1, 'v1', 'r1');
            INSERT INTO audit VALUES (1, 1, 2001, 'e1'), (1, 0, 2000, 'e0');
            INSERT INTO deliveries VALUES ('v1', 1, 'a-1', 1, 'push v1#1', 1000), ('v1', 2, 'a-1', 2, 'push v1#2', 1100),
                                          ('v2', 7, 'a-1', 1, 'push v2#7', 1000);
            INSERT INTO cursors VALUES ('v1', 2, 1, 0), ('v2', 7, 0, 3);
        )sql";
        ASSERT_TRUE(db->exec("write schema-1 rows", rows).ok());
    }
    Result<std::unique_ptr<Store>> store = open_sqlite_store(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(query_text(dir.path(), "PRAGMA user_version"), std::to_string(sqlite::kSchemaVersion));
    Store& s = **store;
    EXPECT_EQ(fields(expect_ok(s.load_recipients(1))),
              fields(std::vector{make_recipient(1, "v1", "r1"), make_recipient(1, "v2", "r2")}));
    EXPECT_EQ(fields(expect_ok(s.load_audit(1, 0, 10))),
              fields(std::vector{AuditRecord{1, 0, core::time_from_ms(2000), "e0"},
                                 AuditRecord{1, 1, core::time_from_ms(2001), "e1"}}));
    const std::vector<DeliveryRecord> v1 = expect_ok(s.deliveries_after("v1", 0, 10));
    ASSERT_EQ(v1.size(), 2u);
    EXPECT_EQ(v1[0].payload, "push v1#1");
    EXPECT_EQ(v1[1].payload, "push v1#2");
    EXPECT_EQ(v1[1].kind, 2);
    EXPECT_EQ(core::to_ms(v1[1].created_at), 1100);
    EXPECT_EQ(fields(expect_ok(s.load_cursors())),
              fields(std::vector<std::pair<std::string, VolunteerCursor>>{{"v1", {2, 1, 0}}, {"v2", {7, 0, 3}}}));
    EXPECT_EQ(query_text(dir.path(), "SELECT count(*) FROM sqlite_master WHERE name = 'deliveries'"), "0");
}

// Schema 4's outbox had no write order: its messages keep the order that build loaded them in (created_at, peer,
// message_id), and messages written after the conversion come after them.
TEST(SqliteStoreTest, SchemaFourOutboxKeepsItsOrderAndNewMessagesFollow) {
    TempDir dir;
    {
        Result<sqlite::Database> db = sqlite::Database::open(dir.path() / SqliteStore::kDatabaseFileName);
        ASSERT_TRUE(db.ok()) << db.error().message;
        ASSERT_TRUE(sqlite::prepare_schema(*db, 4).ok());
        const char* rows = R"sql(
            INSERT INTO outbox VALUES ('taian', 'm2', 'p3', 2000), ('jinan', 'm9', 'p2', 2000),
                                      ('zibo', 'm1', 'p1', 1000), ('jinan', 'm10', 'p4', 3000);
        )sql";
        ASSERT_TRUE(db->exec("write schema-4 rows", rows).ok());
    }
    Result<std::unique_ptr<Store>> store = open_sqlite_store(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(query_text(dir.path(), "PRAGMA user_version"), std::to_string(sqlite::kSchemaVersion));
    Store& s = **store;
    WriteBatch more;
    more.outbox.push_back(OutboxRecord{.peer = "aaa", .message_id = "m0", .payload = "p5", .created_at = {}});
    ASSERT_TRUE(s.apply(more).ok());
    std::vector<std::string> payloads;
    for (const OutboxRecord& r : expect_ok(s.load_outbox())) payloads.push_back(r.payload);
    EXPECT_EQ(payloads, (std::vector<std::string>{"p1", "p2", "p3", "p4", "p5"}));
}

TEST(SqliteStoreTest, NumbersAboveInt64MaxAreRefusedWithNothingWritten) {
    TempDir dir;
    Result<std::unique_ptr<Store>> opened = open_sqlite_store(dir.path());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    Store& store = **opened;
    constexpr std::uint64_t kTooBig = std::uint64_t{1} << 63;
    constexpr std::uint64_t kLargest = kTooBig - 1;

    const Status status = store.apply({.alerts = {make_alert(1, "a-1")}, .deliveries = {make_delivery("v1", kTooBig)}});
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(expect_ok(store.load_alerts(false)).empty());
    EXPECT_FALSE(store.apply({.acks = {{"v1", kTooBig}}}).ok());
    EXPECT_FALSE(store.apply({.audit = {make_audit(1, kTooBig)}}).ok());

    // The largest storable values keep their order.
    ASSERT_TRUE(store.apply({.deliveries = {make_delivery("v1", kLargest), make_delivery("v1", 1)}}).ok());
    EXPECT_EQ(fields(expect_ok(store.cursor("v1"))), fields(VolunteerCursor{kLargest, 0, 0}));
    EXPECT_EQ(expect_ok(store.deliveries_after("v1", 0, std::numeric_limits<std::size_t>::max())).size(), 2u);
    EXPECT_TRUE(expect_ok(store.deliveries_after("v1", kLargest, 10)).empty());
    EXPECT_TRUE(expect_ok(store.deliveries_after("v1", std::numeric_limits<std::uint64_t>::max(), 10)).empty());
    EXPECT_TRUE(expect_ok(store.load_audit(kTooBig, 0, 10)).empty());
}

TEST(SqliteStoreTest, ErrorsNameTheOperationAndSqlitesReason) {
    TempDir dir;
    Result<std::unique_ptr<Store>> store = open_sqlite_store(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message;
    const Status status = (*store)->apply({.alerts = {make_alert(1, "a-1"), make_alert(2, "a-1")}});
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("apply: upsert alert: UNIQUE constraint failed"), std::string::npos)
        << status.error().message;
}

}  // namespace
}  // namespace yihu::store
