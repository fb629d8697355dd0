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
    kStaffingLost,   // an accepted responder withdrew and the alert is short again: recruiting resumes
    kStateChanged,   // closed: found, resolved, cancelled, expired
    kTriggerMerged,  // a device triggered again inside the merge window
    kForwarded,      // the alert, an update or its close was queued for a peer city (the hub writes it)
    kPeerAcked,      // a peer city accepted or refused such a message (the hub writes it)
};

std::string_view to_string(AuditKind kind);

// AuditEntry::actor for the engine's own decisions and timers (matching, escalation, ring growth, expiry).
inline constexpr std::string_view kActorSystem = "system";

// One line of an alert's audit trail: what happened, when, to whom, why, who caused it, and at which version.
struct AuditEntry {
    Time at;
    AuditKind kind;
    std::optional<VolunteerId> volunteer;
    std::string reason;
    // The alert's version once the event had happened.
    std::uint64_t alert_version = 0;
    // Who caused it: a dispatcher's or device's subject as given ("d-1", "device:hut-12"), kActorSystem, or empty
    // when it was the volunteer the entry names (a response, a sighting; the API layer shows their id).
    std::string actor;
};

}  // namespace yihu::core
