#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/alert/alert_kind.h"
#include "core/index/volunteer.h"
#include "core/time.h"

namespace yihu::core {

// One step of a growing search area: from `after` (since the alert was raised) the radius is `radius_m`.
struct Ring {
    Duration after;
    double radius_m;
};

// How an alert chooses and calls volunteers. Every kind has a default (default_policy); a dispatcher may override
// any field per alert.
struct AlertPolicy {
    // Growing rings around the centre (missing person). Empty: the area is fixed.
    std::vector<Ring> rings;
    // Nearest-first recruiting (drowning, suspect): call the nearest `over_alert_factor * responders_wanted` instead
    // of everyone in the area. Acceptance is typically 17-47%, hence over-alerting.
    bool nearest_first = false;
    double over_alert_factor = 1.0;
    // If fewer than wanted accept within `escalation_timeout`, widen the radius by `widen_factor` up to
    // `max_radius_m` and call the next nearest. Zero timeout: no escalation.
    Duration escalation_timeout{0};
    double widen_factor = 2.0;
    double max_radius_m = 0;
    // Broadcasts: the most volunteers an alert may reach (0 = no cap).
    std::size_t max_recipients = 0;
    // Roles handed to accepting responders in order (drowning: rescue, fetch equipment, coordinate).
    std::vector<std::string> roles;
    // Whether recipients are asked to go (false for suspect: observe and report).
    bool ask_to_respond = true;
    // Urgent alerts reach volunteers in their quiet hours.
    bool urgent = false;
    // Who may receive it besides location (skills are skill bits; see SkillCatalog in the API layer).
    SkillSet skills_any = 0;
    Tier min_tier = Tier::kPublic;
    // How long the alert lasts if nobody closes it.
    Duration lifetime = std::chrono::hours(24);
    // Default initial radius when the dispatcher gives only a centre.
    double default_radius_m = 2000;
};

// Skill bits the default policies refer to. The API layer's skill catalog reserves these first bits so that the
// defaults mean the same thing on every node.
inline constexpr SkillSet kSkillWaterRescue = SkillSet{1} << 0;
inline constexpr SkillSet kSkillSwimmer = SkillSet{1} << 1;
inline constexpr SkillSet kSkillFirstAid = SkillSet{1} << 2;

// The default policy of a kind, from the systems in shared/DOMAIN.md scaled to a Chinese city:
// - missing person: rings 2 km, then 5 km at 30 min, 10 km at 1 h, 20 km at 2 h (团圆 uses 100-500 km nationally);
//   no cap; 72 h lifetime. Missing child: the same, urgent.
// - drowning: water-rescue or swimmer skill, nearest first within 1.5 km, 3x over-alerting, widen x2 every 60 s up
//   to 6 km, roles rescue / fetch_equipment / coordinate (FirstAED's first three), urgent, 2 h lifetime.
// - suspect: vetted tier, nearest 50 within 3 km, observe and report, 12 h lifetime.
// - disaster: broadcast, urgent, 24 h. general: broadcast, 24 h.
AlertPolicy default_policy(AlertKind kind);

}  // namespace yihu::core
