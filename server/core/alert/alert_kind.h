#pragma once

#include <cstdint>
#include <string_view>

namespace yihu::core {

enum class AlertKind : std::uint8_t {
    kMissingPerson,  // a lost elderly person or adult: rings that grow with time
    kMissingChild,   // as missing person, urgent (quiet hours do not hold it back)
    kDrowning,       // nearest water-rescue volunteers, over-alerted, widening if too few accept
    kSuspect,        // vetted volunteers only: observe and report, nobody asked to go
    kDisaster,       // broadcast to an area
    kGeneral,        // broadcast to an area
};

enum class AlertState : std::uint8_t {
    kActive,
    kResolvedFound,  // the missing person was found / the person rescued
    kResolved,       // over for another reason
    kCancelled,      // raised in error or withdrawn
    kExpired,        // nobody closed it before its expiry
};

inline bool is_closed(AlertState s) {
    return s != AlertState::kActive;
}

enum class ResponseKind : std::uint8_t {
    kAccept,    // "I'm going"
    kDecline,   // "not going" (from an accepted responder it is recorded as kWithdraw)
    kOnScene,   // arrived (accepted responders only)
    kDone,      // finished their part (accepted responders only)
    kWithdraw,  // "I accepted but can't make it after all" (accepted responders only)
};

std::string_view to_string(AlertKind kind);
std::string_view to_string(AlertState state);
std::string_view to_string(ResponseKind kind);

}  // namespace yihu::core
