#pragma once

#include <cstdint>

#include "contender.h"
#include "core/geo/sphere.h"
#include "core/index/volunteer_filter.h"

namespace yihu::bench {

// The baseline any index must beat: flat arrays indexed by volunteer id, every query a scan of all of them with
// the index's own per-point test (freshness, filter, squared chord) and ranking (core::keep_nearest), and roaming
// a scan of every alert. A move is a plain array write.
class BruteforceContender final : public Contender {
  public:
    std::string_view name() const override { return "bruteforce"; }
    void load(const Dataset& data, const std::vector<core::geo::Area>& alerts) override;
    void move(core::VolunteerId id, core::geo::LatLng to) override;
    void nearest_skilled(const core::geo::Circle& circle, std::size_t k, std::vector<core::Match>& out) override;
    void within(const core::geo::Circle& circle, std::vector<core::Match>& out) override;
    void within(const core::geo::Polygon& polygon, std::vector<core::Match>& out) override;
    void roam(core::VolunteerId id, core::geo::LatLng to, std::vector<core::AlertKey>& entered) override;

  private:
    struct Meta {
        core::SkillSet skills;
        std::int64_t updated_ms;
        core::Tier tier;
        core::Availability availability;
    };

    template <class Emit>
    void scan_circle(const core::geo::Circle& circle, const core::VolunteerFilter& filter, Emit&& emit) const;

    std::vector<core::geo::UnitVec> unit_;
    std::vector<core::geo::LatLng> latlng_;
    std::vector<Meta> meta_;
    std::vector<core::geo::Area> alerts_;
    core::VolunteerFilter alert_filter_;  // the one filter all benchmark alerts share
};

}  // namespace yihu::bench
