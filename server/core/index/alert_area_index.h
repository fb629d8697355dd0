#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/geo/area.h"
#include "core/geo/cell_grid.h"
#include "core/geo/flat_cell_map.h"
#include "core/index/volunteer_filter.h"

namespace yihu::core {

// A dense number for an active alert, assigned by whoever owns the alerts.
using AlertKey = std::uint32_t;

// The areas of active alerts, indexed so that "which alerts cover this point" reads only the alerts near it.
//
// Alerts range from a 1.5 km drowning ring to a 500 km missing-child ring, so one grid cannot fit them all: each
// alert goes into the level of a pyramid of grids (cells of 0.01, 0.04, 0.16, ... degrees) whose cells are at least
// as large as its bounding box, where it touches at most 2 x 2 cells. A lookup probes the point's cell at each level
// that holds any alert: a handful of hash probes, then exact containment tests only for alerts whose box is near.
class AlertAreaIndex {
  public:
    AlertAreaIndex();

    // Adds or replaces an alert's area and recipient filter.
    void upsert(AlertKey key, geo::Area area, VolunteerFilter filter);
    void erase(AlertKey key);
    bool contains_key(AlertKey key) const { return key < alerts_.size() && alerts_[key].active; }
    std::size_t size() const { return active_; }

    // Alerts whose area contains the point and whose filter admits the volunteer. `unit` must be to_unit(point).
    void containing(const geo::UnitVec& unit, geo::LatLng point, const VolunteerProfile& profile,
                    std::vector<AlertKey>& out) const;
    // Alerts the volunteer has just walked into: containing the current point and, if `previous` is given, not
    // containing the previous one.
    void entered(const geo::UnitVec& unit, geo::LatLng point, const std::optional<geo::LatLng>& previous,
                 const geo::UnitVec& previous_unit, const VolunteerProfile& profile, std::vector<AlertKey>& out) const;

  private:
    static constexpr std::size_t kLevels = 8;  // 0.01 deg .. 163.84 deg cells; beyond that: the global list

    struct Entry {
        bool active = false;
        std::uint8_t level = 0;         // kLevels = global list
        std::optional<geo::Area> area;  // set while active
        VolunteerFilter filter;
        std::vector<std::uint32_t> buckets;  // bucket numbers holding this alert (for erase)
    };
    struct Level {
        geo::CellGrid grid;
        geo::FlatCellMap bucket_of;  // cell key -> bucket number
        std::size_t alerts = 0;
    };

    template <class Visit>
    void for_each_candidate(geo::LatLng point, Visit&& visit) const;

    std::vector<Level> levels_;
    std::vector<std::vector<AlertKey>> buckets_;  // shared by all levels; empty buckets are reused by their cell
    std::vector<AlertKey> global_;                // alerts too large for any level
    std::vector<Entry> alerts_;
    std::size_t active_ = 0;
};

}  // namespace yihu::core
