#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "store/sqlite_handle.h"

namespace yihu::store::sqlite {

// The schema version this build writes, kept in PRAGMA user_version. A new version adds a step in sqlite_schema.cpp;
// it never edits an old one, since databases in the field went through it.
inline constexpr std::int64_t kSchemaVersion = 5;

// Sets the connection up (WAL, synchronous=FULL, busy timeout) and brings the schema to kSchemaVersion, in one
// transaction, so a crash mid-way leaves the old version. A database newer than this build is refused: its layout is
// unknown here. `target` below kSchemaVersion stops at an older version (tests build old databases with it).
Status prepare_schema(Database& db, std::int64_t target = kSchemaVersion);

// The epoch written when the database was created (16 hex characters).
Result<std::string> read_epoch(Database& db);

}  // namespace yihu::store::sqlite
