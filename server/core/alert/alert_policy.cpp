#include "core/alert/alert_policy.h"

namespace yihu::core {

using namespace std::chrono_literals;

AlertPolicy default_policy(AlertKind kind) {
    AlertPolicy p;
    switch (kind) {
        case AlertKind::kMissingPerson:
        case AlertKind::kMissingChild:
            p.rings = {{0min, 2'000}, {30min, 5'000}, {60min, 10'000}, {120min, 20'000}};
            p.default_radius_m = 2'000;
            p.lifetime = 72h;
            p.urgent = kind == AlertKind::kMissingChild;
            break;
        case AlertKind::kDrowning:
            p.nearest_first = true;
            p.over_alert_factor = 3.0;
            p.escalation_timeout = 60s;
            p.widen_factor = 2.0;
            p.max_radius_m = 6'000;
            p.default_radius_m = 1'500;
            p.roles = {"rescue", "fetch_equipment", "coordinate"};
            p.urgent = true;
            p.skills_any = kSkillWaterRescue | kSkillSwimmer;
            p.lifetime = 2h;
            break;
        case AlertKind::kSuspect:
            p.nearest_first = true;
            p.max_recipients = 50;
            p.default_radius_m = 3'000;
            p.ask_to_respond = false;
            p.min_tier = Tier::kVetted;
            p.lifetime = 12h;
            break;
        case AlertKind::kDisaster:
            p.urgent = true;
            p.default_radius_m = 5'000;
            p.lifetime = 24h;
            break;
        case AlertKind::kGeneral:
            p.default_radius_m = 2'000;
            p.lifetime = 24h;
            break;
    }
    return p;
}

}  // namespace yihu::core
