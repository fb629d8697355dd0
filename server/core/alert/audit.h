#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/index/volunteer.h"
#include "core/time.h"

namespace yihu::core {

enum class AuditKind : std::uint8_t {
    kCreated,
    kMatched,    // a volunteer was chosen (reason says why: initial, roaming, escalation, replacement, ring)
    kHeld,       // a match held back (quiet hours)
    kReleased,   // a held match delivered after the quiet window
    kDelivered,  // a notice handed to the transport (the API layer adds acks)
    kResponded,
    kRoleAssigned,
    kEscalated,  // the ring widened
    kRingGrew,   // a missing-person ring grew on schedule
    kUpdated,    // a dispatcher changed the alert
    kSighting,
    kStoodDown,      // enough responders: the rest were told to stand down
    kStaffingLost,   // an accepted responder withdrew below the number wanted
    kStateChanged,   // closed: found, resolved, cancelled, expired
    kTriggerMerged,  // a device triggered again inside the merge window
};

std::string_view to_string(AuditKind kind);

// One line of an alert's audit trail: what happened, when, to whom, and why.
struct AuditEntry {
    Time at;
    AuditKind kind;
    std::optional<VolunteerId> volunteer;
    std::string reason;
};

}  // namespace yihu::core
