#pragma once

#include <vector>

#include "core/index/alert_area_index.h"
#include "core/index/volunteer_index.h"

namespace yihu::core {

// The matching loop's data: live volunteer positions and active alert areas, side by side, so a position update and
// the "did they just walk into a search area" check are one call. Not thread-safe: one owner calls it.
class Matcher {
  public:
    explicit Matcher(IndexOptions options = {}) : volunteers_(options) {}

    VolunteerIndex& volunteers() { return volunteers_; }
    const VolunteerIndex& volunteers() const { return volunteers_; }
    AlertAreaIndex& alert_areas() { return alert_areas_; }
    const AlertAreaIndex& alert_areas() const { return alert_areas_; }

    // Records the position and fills `entered` with the active alerts whose area the volunteer is now inside, was
    // not inside at their last fresh position, and whose filter admits them. Invalid input changes nothing.
    Status update_position(VolunteerId id, geo::LatLng position, double accuracy_m, Time now,
                           std::vector<AlertKey>& entered);

    // Active alerts covering the volunteer's current fresh position that admit them (after they come on duty, or
    // gain a skill). Empty if they have no fresh position.
    void alerts_covering(VolunteerId id, Time now, std::vector<AlertKey>& out) const;

  private:
    RoamOrigin origin_of(VolunteerId id, Time now) const;

    VolunteerIndex volunteers_;
    AlertAreaIndex alert_areas_;
};

}  // namespace yihu::core
