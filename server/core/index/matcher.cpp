#include "core/index/matcher.h"

namespace yihu::core {

Status Matcher::update_position(VolunteerId id, geo::LatLng position, double accuracy_m, Time now,
                                std::vector<AlertKey>& entered) {
    entered.clear();
    Result<Move> move = volunteers_.upsert_position(id, position, accuracy_m, now);
    if (!move) return move.error();
    if (alert_areas_.size() == 0) return Status::Ok();
    const std::optional<geo::LatLng> previous =
        move->had_fresh_position ? std::optional<geo::LatLng>(move->previous) : std::nullopt;
    const FilterSubject who{move->skills, move->tier, move->availability, volunteers_.teams(id)};
    alert_areas_.entered(move->current_unit, position, previous, move->previous_unit, who, entered);
    return Status::Ok();
}

void Matcher::alerts_covering(VolunteerId id, Time now, std::vector<AlertKey>& out) const {
    out.clear();
    if (!volunteers_.is_fresh(id, now)) return;
    const std::optional<PositionFix> fix = volunteers_.position(id);
    alert_areas_.containing(geo::to_unit(fix->position), fix->position, *volunteers_.profile(id), out);
}

}  // namespace yihu::core
