#include "store/sqlite_sets.h"

namespace yihu::store::sqlite {

namespace {

std::int64_t stored(std::uint64_t value) {
    return static_cast<std::int64_t>(value);
}

}  // namespace

Status insert(Statement& statement, const RecipientSet& set) {
    statement.bind_int(1, stored(set.alert_number));
    statement.bind_blob(2, set.members);
    return statement.run();
}

Status insert(Statement& statement, const AuditSet& set) {
    statement.bind_int(1, stored(set.alert_number));
    statement.bind_int(2, stored(set.min_index));
    statement.bind_int(3, stored(set.max_index));
    statement.bind_blob(4, set.entries);
    return statement.run();
}

Status insert(Statement& statement, const PushGroup& group) {
    statement.bind_int(1, core::to_ms(group.created_at));
    statement.bind_text(2, group.alert_id);
    statement.bind_int(3, group.kind);
    statement.bind_int(4, stored(group.count));
    statement.bind_int(5, stored(group.batch));
    statement.bind_blob(6, group.body);
    statement.bind_blob(7, group.members);
    return statement.run();
}

}  // namespace yihu::store::sqlite
