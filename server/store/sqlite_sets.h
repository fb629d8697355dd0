#pragma once

#include "store/record_sets.h"
#include "store/sqlite_handle.h"

namespace yihu::store::sqlite {

// The SQL that writes format-2 sets (store/record_sets.h), shared by the store and the schema migration that converts
// format-1 rows. Each statement takes the set's fields as parameters in the order of its bind function.
inline constexpr const char* kInsertRecipientSet = "INSERT INTO recipient_sets (alert_number, members) VALUES (?1, ?2)";
inline constexpr const char* kInsertAuditSet =
    "INSERT INTO audit_sets (alert_number, min_idx, max_idx, entries) VALUES (?1, ?2, ?3, ?4)";
inline constexpr const char* kInsertPushGroup =
    "INSERT INTO push_groups (created_at, alert_id, kind, count, batch, body, members) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

// Numbers were checked to be storable (at most INT64_MAX) before.
Status insert(Statement& statement, const RecipientSet& set);
Status insert(Statement& statement, const AuditSet& set);
Status insert(Statement& statement, const PushGroup& group);

}  // namespace yihu::store::sqlite
