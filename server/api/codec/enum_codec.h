#pragma once

#include <optional>

#include "core/alert/alert_kind.h"
#include "core/alert/audit.h"
#include "core/error_code.h"
#include "core/index/volunteer.h"
#include "yihu/v1/alert.pb.h"
#include "yihu/v1/common.pb.h"

namespace yihu::api {

// Core enums <-> wire enums. Wire -> core returns nullopt for UNSPECIFIED and values this build does not know.
v1::AlertKind to_proto(core::AlertKind kind);
std::optional<core::AlertKind> from_proto(v1::AlertKind kind);
v1::AlertState to_proto(core::AlertState state);
std::optional<core::AlertState> from_proto(v1::AlertState state);
v1::ResponseKind to_proto(core::ResponseKind kind);
std::optional<core::ResponseKind> from_proto(v1::ResponseKind kind);
v1::Tier to_proto(core::Tier tier);
std::optional<core::Tier> from_proto(v1::Tier tier);

v1::AuditEventKind audit_kind(core::AuditKind kind);

// Every core failure means one wire code, and each wire code one HTTP status (common.proto lists them).
v1::ErrorCode to_proto(core::ErrorCode code);
unsigned http_status(v1::ErrorCode code);

}  // namespace yihu::api
