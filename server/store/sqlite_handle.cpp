#include "store/sqlite_handle.h"

#include <sqlite3.h>

#include <limits>

namespace yihu::store::sqlite {

using core::ErrorCode;
using core::make_error;

core::Error sqlite_error(sqlite3* db, int rc, std::string_view operation) {
    ErrorCode code = ErrorCode::kUnavailable;
    switch (rc & 0xff) {
        case SQLITE_CONSTRAINT:
            code = ErrorCode::kConflict;
            break;
        case SQLITE_MISUSE:
        case SQLITE_RANGE:
            code = ErrorCode::kInternal;
            break;
        default:
            break;
    }
    // sqlite3_errmsg describes the connection's last failure; sqlite3_errstr is the fallback without a connection
    // (open can fail before there is one) or when the code was not set on it (a failed bind).
    const bool db_has_it = db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff);
    const char* detail = db_has_it ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string message(operation);
    message += ": ";
    message += detail;
    return make_error(code, std::move(message));
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), name_(std::move(other.name_)), bind_error_(other.bind_error_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
        name_ = std::move(other.name_);
        bind_error_ = other.bind_error_;
    }
    return *this;
}

void Statement::bind_int(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

namespace {

// A null data pointer would bind SQL NULL instead of an empty value, and an empty std::string_view may have one.
const char* non_null(std::string_view value) {
    return value.data() != nullptr ? value.data() : "";
}

}  // namespace

void Statement::bind_text(int index, std::string_view value) {
    const int rc = sqlite3_bind_text64(stmt_, index, non_null(value), value.size(), SQLITE_STATIC, SQLITE_UTF8);
    if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void Statement::bind_blob(int index, std::string_view value) {
    const int rc = sqlite3_bind_blob64(stmt_, index, non_null(value), value.size(), SQLITE_STATIC);
    if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

Result<bool> Statement::step() {
    if (bind_error_ != SQLITE_OK) return sqlite_error(sqlite3_db_handle(stmt_), bind_error_, name_);
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite_error(sqlite3_db_handle(stmt_), sqlite3_extended_errcode(sqlite3_db_handle(stmt_)), name_);
}

void Statement::reset() {
    // sqlite3_reset repeats the last step's error, which step() has already reported.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_error_ = SQLITE_OK;
}

std::int64_t Statement::column_int(int index) const {
    return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_bytes(int index) const {
    return std::string(column_view(index));
}

std::string_view Statement::column_view(int index) const {
    // The pointer first, then the size: that order gives the size of the value in the form the pointer returned.
    const void* data = sqlite3_column_blob(stmt_, index);
    const int size = sqlite3_column_bytes(stmt_, index);
    if (data == nullptr || size <= 0) return {};
    return std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

Result<Database> Database::open(const std::filesystem::path& file) {
    sqlite3* db = nullptr;
    // NOMUTEX: one owner uses a connection (see Store), so SQLite's per-connection locking would only cost time.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(file.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        // A handle is usually returned even on failure; it carries the message and must still be closed.
        core::Error error = sqlite_error(db, rc, "open " + file.string());
        sqlite3_close_v2(db);
        return error;
    }
    sqlite3_extended_result_codes(db, 1);
    return Database(db);
}

Database::~Database() {
    sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(db_);
        db_ = std::exchange(other.db_, nullptr);
    }
    return *this;
}

Status Database::exec(std::string_view operation, const std::string& sql) {
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, sqlite3_extended_errcode(db_), operation);
    return Status::Ok();
}

Result<Statement> Database::prepare(std::string name, std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sql.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        return make_error(ErrorCode::kInternal, "prepare " + name + ": statement too long");
    }
    const int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(db_, sqlite3_extended_errcode(db_), "prepare " + name);
    return Statement(stmt, std::move(name));
}

std::int64_t Database::changes() const {
    return sqlite3_changes64(db_);
}

bool Database::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace yihu::store::sqlite
