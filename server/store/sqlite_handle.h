#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

// Kept out of this header on purpose: only the .cpp files of the SQLite store see the C API.
struct sqlite3;
struct sqlite3_stmt;

namespace yihu::store::sqlite {

using core::Result;
using core::Status;

// A prepared statement, prepared once and reused. Every use goes through for_each_row() or run(), which reset the
// statement and drop its bindings afterwards, on success or failure: a statement left mid-way would keep a read
// transaction open, and the bindings point into the caller's bytes (they are not copied, so a 1 MB payload is not
// copied twice).
class Statement {
  public:
    Statement() = default;
    Statement(sqlite3_stmt* stmt, std::string name) : stmt_(stmt), name_(std::move(name)) {}
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are 1-based, as in SQLite. The bytes must stay alive until the statement has been run.
    void bind_int(int index, std::int64_t value);
    void bind_text(int index, std::string_view value);
    void bind_blob(int index, std::string_view value);

    // Steps to completion, calling on_row() while a row is current (read it with the column_ functions).
    template <class OnRow>
    Status for_each_row(OnRow&& on_row) {
        Status status = Status::Ok();
        for (;;) {
            Result<bool> row = step();
            if (!row.ok()) {
                status = row.error();
                break;
            }
            if (!*row) break;
            on_row();
        }
        reset();
        return status;
    }
    // For statements whose rows (if any) do not matter.
    Status run() {
        return for_each_row([] {});
    }

    // Columns are 0-based, as in SQLite. Text and blobs are copied out byte for byte (embedded NULs included).
    std::int64_t column_int(int index) const;
    std::string column_bytes(int index) const;
    // The same bytes without a copy: valid only while the row is current (inside on_row()).
    std::string_view column_view(int index) const;

    const std::string& name() const { return name_; }

  private:
    Result<bool> step();  // true: a row is current; false: done
    void reset();

    sqlite3_stmt* stmt_ = nullptr;
    std::string name_;    // what the statement does, for error messages ("insert delivery")
    int bind_error_ = 0;  // the first failed bind, reported by the next step
};

// One connection. Closing is deferred by SQLite until every statement of the connection is finalized, so members
// may be destroyed in any order.
class Database {
  public:
    // Opens (creating if missing) the database file.
    static Result<Database> open(const std::filesystem::path& file);

    Database() = default;
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs SQL text (possibly several statements) whose results do not matter: schema and pragmas.
    Status exec(std::string_view operation, const std::string& sql);
    // `name` says what the statement does; it starts every error message the statement reports.
    Result<Statement> prepare(std::string name, std::string_view sql);
    // Rows changed by the last INSERT, UPDATE or DELETE.
    std::int64_t changes() const;
    // True between BEGIN and COMMIT/ROLLBACK. SQLite rolls some failures back by itself, after which a ROLLBACK
    // would be an error of its own.
    bool in_transaction() const;

    sqlite3* get() const { return db_; }

  private:
    explicit Database(sqlite3* db) : db_(db) {}

    sqlite3* db_ = nullptr;
};

// The error for a failed SQLite call: `operation: errmsg`. Constraint violations are kConflict (the write contradicts
// what is stored, so retrying it will not help), API misuse kInternal, anything else (I/O, busy, full disk, corrupt
// file) kUnavailable.
core::Error sqlite_error(sqlite3* db, int rc, std::string_view operation);

}  // namespace yihu::store::sqlite
