#include "core/alert/audit.h"

namespace yihu::core {

std::string_view to_string(AuditKind kind) {
    switch (kind) {
        case AuditKind::kCreated:
            return "created";
        case AuditKind::kMatched:
            return "matched";
        case AuditKind::kHeld:
            return "held";
        case AuditKind::kReleased:
            return "released";
        case AuditKind::kDelivered:
            return "delivered";
        case AuditKind::kResponded:
            return "responded";
        case AuditKind::kRoleAssigned:
            return "role_assigned";
        case AuditKind::kEscalated:
            return "escalated";
        case AuditKind::kRingGrew:
            return "ring_grew";
        case AuditKind::kUpdated:
            return "updated";
        case AuditKind::kSighting:
            return "sighting";
        case AuditKind::kStoodDown:
            return "stood_down";
        case AuditKind::kStaffingLost:
            return "staffing_lost";
        case AuditKind::kStateChanged:
            return "state_changed";
        case AuditKind::kTriggerMerged:
            return "trigger_merged";
        case AuditKind::kForwarded:
            return "forwarded";
        case AuditKind::kPeerAcked:
            return "peer_acked";
    }
    return "unknown";
}

}  // namespace yihu::core
