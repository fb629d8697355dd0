#include "federation/cap_kinds.h"

namespace yihu::federation {

std::string_view cap_event_of(core::AlertKind kind) {
    switch (kind) {
        case core::AlertKind::kMissingPerson:
            return "Missing person";
        case core::AlertKind::kMissingChild:
            return "Missing child";
        case core::AlertKind::kDrowning:
            return "Drowning";
        case core::AlertKind::kSuspect:
            return "Suspect";
        case core::AlertKind::kDisaster:
            return "Disaster";
        case core::AlertKind::kGeneral:
            break;
    }
    return "General alert";
}

std::string_view cap_category_of(core::AlertKind kind) {
    switch (kind) {
        case core::AlertKind::kMissingPerson:
        case core::AlertKind::kMissingChild:
        case core::AlertKind::kDrowning:
            return "Rescue";
        case core::AlertKind::kSuspect:
            return "Security";
        case core::AlertKind::kDisaster:
            return "Safety";
        case core::AlertKind::kGeneral:
            break;
    }
    return "Other";
}

}  // namespace yihu::federation
