#pragma once

#include <string>

#include "api/alert_extras.h"
#include "api/name_table.h"
#include "api/skill_catalog.h"
#include "core/alert/alert.h"
#include "core/result.h"
#include "yihu/v1/storage.pb.h"

namespace yihu::api {

// The store's picture of an alert, in names rather than this process's numbers (see storage.proto).
// Encoding never fails; decoding fails (kInternal) only on bytes that are not a snapshot.

// Where the API layer tracks each recipient's delivery (the engine does not know about sockets).
struct DeliveryMarks {
    core::Time delivered_at{};  // first push written to the phone; epoch 0: not yet
    core::Time acked_at{};      // phone acknowledged it; epoch 0: not yet
    std::uint64_t first_seq = 0;
};

std::string encode_alert(const core::Alert& alert, const AlertExtras& extras, const SkillCatalog& skills,
                         const NameTable& teams, const NameTable& volunteers);
// The same snapshot in two parts, so that a writer can keep the large one: encode_alert is exactly
// encode_alert_rest + encode_large_area (a protobuf message's fields may come in any order). The large part is a
// polygon or union `fixed_area` (megabytes for a detailed outline), which an alert keeps unchanged until an update
// replaces it; `large_area_identity` names it (the shared shape's address; null for none or a circle, which stays in
// the rest).
std::string encode_alert_rest(const core::Alert& alert, const AlertExtras& extras, const SkillCatalog& skills,
                              const NameTable& teams, const NameTable& volunteers);
std::string encode_large_area(const core::Alert& alert);
const void* large_area_identity(const core::Alert& alert);
std::string encode_recipient(const core::Recipient& recipient, const DeliveryMarks& marks);
std::string encode_audit(const core::AuditEntry& entry, const NameTable& volunteers);

// Decoding interns the names it meets, so a restored alert refers to this process's numbers.
core::Status decode_alert(std::string_view bytes, SkillCatalog& skills, NameTable& teams, NameTable& volunteers,
                          core::Alert& alert, AlertExtras& extras);
core::Status decode_recipient(std::string_view bytes, core::Recipient& recipient, DeliveryMarks& marks);
core::Status decode_audit(std::string_view bytes, NameTable& volunteers, core::AuditEntry& entry);

}  // namespace yihu::api
