#include "core/index/matcher.h"

namespace yihu::core {

Status Matcher::update_position(VolunteerId id, geo::LatLng position, double accuracy_m, Time now,
                                std::vector<AlertKey>& entered) {
    entered.clear();
    if (alert_areas_.size() == 0) return volunteers_.upsert_position(id, position, accuracy_m, now);
    if (Status s = VolunteerIndex::validate_position(id, position, accuracy_m); !s) return s;
    // Where the volunteer was is needed only if the new position is inside some alert; its line starts loading now
    // so that the alert lookup hides the miss instead of waiting for it.
    volunteers_.prefetch_point(id);
    const geo::UnitVec unit = geo::to_unit(position);
    alert_areas_.entered(
        unit, position, [&] { return origin_of(id, now); }, entered);
    volunteers_.place(id, position, unit, accuracy_m, now);
    return Status::Ok();
}

RoamOrigin Matcher::origin_of(VolunteerId id, Time now) const {
    if (const std::optional<PointState> was = volunteers_.point_state(id, now)) {
        return RoamOrigin{was->fresh ? std::optional<geo::LatLng>(was->position) : std::nullopt, was->unit,
                          FilterSubject{was->skills, was->tier, was->availability, volunteers_.teams(id)}};
    }
    // No position yet: the profile placing them will give the point (the default one if there is none).
    static const VolunteerProfile kDefault;
    const VolunteerProfile* profile = volunteers_.profile(id);
    return RoamOrigin{std::nullopt, {}, FilterSubject::of(profile ? *profile : kDefault)};
}

void Matcher::alerts_covering(VolunteerId id, Time now, std::vector<AlertKey>& out) const {
    out.clear();
    if (!volunteers_.is_fresh(id, now)) return;
    const std::optional<PositionFix> fix = volunteers_.position(id);
    alert_areas_.containing(geo::to_unit(fix->position), fix->position, *volunteers_.profile(id), out);
}

}  // namespace yihu::core
