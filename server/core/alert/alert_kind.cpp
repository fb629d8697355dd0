#include "core/alert/alert_kind.h"

namespace yihu::core {

std::string_view to_string(AlertKind kind) {
    switch (kind) {
        case AlertKind::kMissingPerson:
            return "missing_person";
        case AlertKind::kMissingChild:
            return "missing_child";
        case AlertKind::kDrowning:
            return "drowning";
        case AlertKind::kSuspect:
            return "suspect";
        case AlertKind::kDisaster:
            return "disaster";
        case AlertKind::kGeneral:
            return "general";
    }
    return "unknown";
}

std::string_view to_string(AlertState state) {
    switch (state) {
        case AlertState::kActive:
            return "active";
        case AlertState::kResolvedFound:
            return "resolved_found";
        case AlertState::kResolved:
            return "resolved";
        case AlertState::kCancelled:
            return "cancelled";
        case AlertState::kExpired:
            return "expired";
    }
    return "unknown";
}

std::string_view to_string(ResponseKind kind) {
    switch (kind) {
        case ResponseKind::kAccept:
            return "accept";
        case ResponseKind::kDecline:
            return "decline";
        case ResponseKind::kOnScene:
            return "on_scene";
        case ResponseKind::kDone:
            return "done";
        case ResponseKind::kWithdraw:
            return "withdraw";
    }
    return "unknown";
}

}  // namespace yihu::core
