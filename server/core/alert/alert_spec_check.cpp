#include "core/alert/alert_spec_check.h"

#include <cmath>

namespace yihu::core {

namespace {

constexpr std::size_t kMaxRespondersWanted = 10'000;

Status check_radius(geo::LatLng center, double radius_m) {
    if (auto c = geo::Circle::make(center, radius_m); !c) return c.error();
    return Status::Ok();
}

Status check_wanted(std::size_t wanted) {
    if (wanted == 0 || wanted > kMaxRespondersWanted) {
        return make_error(ErrorCode::kInvalidArgument, "responders_wanted must be between 1 and 10000");
    }
    return Status::Ok();
}

Status check_policy(geo::LatLng center, const AlertPolicy& p) {
    if (!(p.over_alert_factor >= 1.0 && p.over_alert_factor <= 100.0)) {
        return make_error(ErrorCode::kInvalidArgument, "over_alert_factor must be between 1 and 100");
    }
    if (!(p.widen_factor >= 1.0 && p.widen_factor <= 100.0)) {
        return make_error(ErrorCode::kInvalidArgument, "widen_factor must be between 1 and 100");
    }
    if (p.escalation_timeout.count() < 0) {
        return make_error(ErrorCode::kInvalidArgument, "escalation_timeout must not be negative");
    }
    if (p.lifetime.count() <= 0) return make_error(ErrorCode::kInvalidArgument, "lifetime must be positive");
    if (Status s = check_radius(center, p.default_radius_m); !s) return s;
    if (p.max_radius_m != 0) {
        if (Status s = check_radius(center, p.max_radius_m); !s) return s;
    }
    Duration last{0};
    for (const Ring& r : p.rings) {
        if (r.after < last) return make_error(ErrorCode::kInvalidArgument, "rings must be in time order");
        last = r.after;
        if (Status s = check_radius(center, r.radius_m); !s) return s;
    }
    return Status::Ok();
}

}  // namespace

Status check_alert_spec(const AlertSpec& spec, const AlertPolicy& policy) {
    if (auto s = geo::validate(spec.center); !s) return s;
    if (spec.radius_m) {
        if (Status s = check_radius(spec.center, *spec.radius_m); !s) return s;
    }
    if (Status s = check_wanted(spec.responders_wanted); !s) return s;
    return check_policy(spec.center, policy);
}

Status check_alert_change(const Alert& alert, const AlertChange& change) {
    const geo::LatLng center = change.center.value_or(alert.center);
    if (auto s = geo::validate(center); !s) return s;
    if (change.radius_m) {
        if (Status s = check_radius(center, *change.radius_m); !s) return s;
    }
    if (change.area && change.radius_m) {
        return make_error(ErrorCode::kInvalidArgument, "give either an area or a radius, not both");
    }
    if (change.responders_wanted) {
        if (Status s = check_wanted(*change.responders_wanted); !s) return s;
    }
    return Status::Ok();
}

}  // namespace yihu::core
