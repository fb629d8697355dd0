#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/alert/alert_kind.h"
#include "core/geo/lat_lng.h"
#include "core/index/volunteer.h"
#include "core/time.h"

namespace yihu::core {

using AlertNumber = std::uint64_t;  // an alert's number in this engine, never reused

// Something a volunteer must be told. The engine decides; the API layer sequences, delivers and retries.
struct Notice {
    enum class Kind : std::uint8_t {
        kAlert,      // the alert itself: first and only time for this volunteer
        kUpdate,     // the alert changed (new last-seen place, description, wider area, role)
        kStandDown,  // enough responders are going: you are not needed
        kClosed,     // found / resolved / cancelled / expired
    };
    Kind kind;
    VolunteerId volunteer;
    AlertNumber alert;
    std::uint64_t alert_version;
    double distance_m = 0;  // kAlert: from the volunteer to the alert's centre
    bool response_requested = false;
    std::string role;  // kUpdate after an accept, when the policy hands out roles
};

// Something the alert's dispatchers watch live.
struct FeedEvent {
    enum class Kind : std::uint8_t {
        kDelivery,           // volunteer notified (alert kind of notice only)
        kResponse,           // volunteer answered
        kResponderPosition,  // an accepted responder moved (only accepted responders are shown)
        kSighting,
        kEscalation,  // ring widened; `count` newly alerted, `old_radius_m` -> `radius_m`
        kStateChange,
        kUpdated,
    };
    Kind kind;
    AlertNumber alert;
    Time at;
    std::optional<VolunteerId> volunteer;
    std::optional<ResponseKind> response;
    std::optional<geo::LatLng> position;
    std::optional<AlertState> state;
    double radius_m = 0;
    double old_radius_m = 0;
    std::size_t count = 0;
    std::uint64_t sighting = 0;
    std::string role;
};

// What one engine call produced, in order.
struct Effects {
    std::vector<Notice> notices;
    std::vector<FeedEvent> feed;

    void clear() {
        notices.clear();
        feed.clear();
    }
};

}  // namespace yihu::core
