#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/alert/alert_policy.h"
#include "core/alert/audit.h"
#include "core/alert/effects.h"
#include "core/geo/area.h"
#include "core/index/volunteer_filter.h"

namespace yihu::core {

// What a dispatcher (or a device) asks for when raising an alert.
struct AlertSpec {
    std::string id;  // unique; empty: the engine names it "<prefix>-<number>"
    AlertKind kind = AlertKind::kGeneral;
    geo::LatLng center;
    std::optional<geo::Area> area;   // a fixed area (circle or polygon); otherwise a circle around the centre
    std::optional<double> radius_m;  // initial radius when no area is given (default: the policy's)
    std::size_t responders_wanted = 1;
    std::optional<AlertPolicy> policy;  // whole-policy override; default_policy(kind) otherwise
    SkillSet skills_all = 0;            // extra skills every recipient must have
    std::optional<TeamId> team;
    std::string title;
    std::string description;
    std::string photo_url;
    std::string created_by;
    std::string device_id;  // set for alerts raised by a fixed-location device
};

// A dispatcher's change to an active alert. Unset fields stay as they are.
struct AlertChange {
    std::optional<std::uint64_t> expected_version;  // reject with kConflict if the alert moved on
    std::optional<geo::LatLng> center;              // new last-seen place: the rings move with it
    std::optional<geo::Area> area;
    std::optional<double> radius_m;
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<std::string> photo_url;
    std::optional<std::size_t> responders_wanted;
    std::string actor = std::string(kActorSystem);  // who changed it (a dispatcher's subject), for the audit trail
};

// One volunteer who received an alert.
struct Recipient {
    Time notified_at;
    double distance_m = 0;
    std::string reason;  // initial, roaming, escalation, replacement, ring, ...
    std::optional<ResponseKind> last_response;
    Time responded_at{};
    bool accepted = false;
    bool on_scene = false;
    bool done = false;
    std::string role;
    bool stood_down = false;
    bool closed_notified = false;
};

struct Sighting {
    std::uint64_t id;
    VolunteerId reporter;
    geo::LatLng position;
    std::string text;
    std::string photo_url;
    Time at;
};

// An alert and everything that happened to it.
struct Alert {
    static constexpr Time kNever = Time::max();

    AlertNumber number = 0;
    std::string id;
    AlertKind kind = AlertKind::kGeneral;
    AlertState state = AlertState::kActive;
    AlertPolicy policy;
    std::uint64_t version = 1;

    geo::LatLng center;
    std::optional<geo::Area> fixed_area;  // a dispatcher's polygon or circle: no rings, no widening
    double radius_m = 0;                  // current radius when there is no fixed area
    VolunteerFilter filter;
    std::size_t responders_wanted = 1;
    std::size_t cap = 0;  // most recipients at present (0 = no cap); grows with escalation and replacements

    std::string title, description, photo_url, created_by, device_id, closing_message;
    Time created_at{}, updated_at{}, expires_at{}, closed_at{};
    std::size_t ring_index = 0;
    Time next_escalation = kNever;

    std::map<VolunteerId, Recipient> recipients;
    std::map<VolunteerId, Time> held;  // matched in their quiet hours: deliver at this time if still relevant
    std::size_t accepted = 0;
    bool staffed = false;  // enough accepted; the rest were stood down
    std::vector<Sighting> sightings;
    std::vector<AuditEntry> audit;

    // The area as it stands (fixed, or the circle of the current radius).
    geo::Area area() const;
    std::optional<std::size_t> remaining_capacity() const {
        if (cap == 0) return std::nullopt;
        return cap > recipients.size() ? cap - recipients.size() : 0;
    }
};

// A trigger: a riverside rescue hut whose door raises an alarm, a panic button, or a bracelet that reports where it is.
// What its trigger raises is a template: kind, title, filter and policy as here, centred on the device.
struct Device {
    std::string id;
    std::string name;
    geo::LatLng position;  // registered; a trigger with a position moves it
    AlertKind kind = AlertKind::kDrowning;
    std::size_t responders_wanted = 3;
    std::optional<AlertPolicy> policy;  // whole policy (skills_any, min_tier, overrides); default_policy(kind) if unset
    SkillSet skills_all = 0;
    std::optional<TeamId> team;
    std::string title;  // template: every "{name}" becomes the device name; empty: the device name
};

// What one trigger reports beyond "it went off".
struct DeviceEvent {
    std::optional<geo::LatLng> position;  // where the device is now: it moves there, and so does its alert
    std::string description;              // the raised alert's description; empty: "Alarm from <name>"
};

// The title of the alert `device` raises: its template with every "{name}" replaced, or its name.
std::string device_title(const Device& device);

}  // namespace yihu::core
