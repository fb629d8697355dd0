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

// A volunteer before a move, as AlertAreaIndex::entered() needs them.
struct RoamOrigin {
    std::optional<geo::LatLng> position;  // where they were, if that position was still fresh
    geo::UnitVec unit;                    // to_unit(*position) when position is set
    FilterSubject who;                    // the profile fields the alerts' filters read
};

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
    // Results come in the order of the levels, then of the alerts in the point's bucket.
    void containing(const geo::UnitVec& unit, geo::LatLng point, const FilterSubject& who,
                    std::vector<AlertKey>& out) const;
    void containing(const geo::UnitVec& unit, geo::LatLng point, const VolunteerProfile& profile,
                    std::vector<AlertKey>& out) const {
        containing(unit, point, FilterSubject::of(profile), out);
    }
    // Alerts the volunteer has just walked into: containing the current point, not containing origin().position
    // (when set), and admitting origin().who. `origin` is called at most once, and only if some alert contains the
    // point: a move away from every alert never reads where the volunteer was (a cache miss on a city's index).
    template <class Origin>
    void entered(const geo::UnitVec& unit, geo::LatLng point, Origin&& origin, std::vector<AlertKey>& out) const {
        out.clear();
        const std::vector<Hit>& hits = containing_hits(unit, point);
        if (hits.empty()) return;
        const RoamOrigin from = origin();
        // The previous position first: after a short move it is inside nearly every alert the current one is, and
        // that test reads only the cap at hand, where the filter would load the alert's entry.
        for (const Hit& hit : hits) {
            if (from.position && contains(*hit.cap, hit.key, from.unit, *from.position)) continue;
            if (alerts_[hit.key].filter.admits(from.who)) out.push_back(hit.key);
        }
    }

  private:
    static constexpr std::size_t kLevels = 8;  // 0.01 deg .. 163.84 deg cells; beyond that: the global list

    struct Entry {
        bool active = false;
        std::uint8_t level = 0;         // kLevels = global list
        std::optional<geo::Area> area;  // set while active
        VolunteerFilter filter;
        std::vector<std::uint32_t> buckets;  // bucket numbers holding this alert (for erase)
    };
    // What a lookup tests, copied into every bucket holding the alert so that a bucket is one contiguous array:
    // a lookup meets 40-60 candidates, and reaching each through its Entry (optional, variant) cost ~5.5 ns
    // (bench/RESULTS.md). 32 bytes, two per cache line. Polygons (chord2_limit < 0) are tested through the Entry.
    struct Cap {
        geo::UnitVec center;
        double chord2_limit;
    };
    // The alerts of one grid cell of one level: caps[i] belongs to keys[i].
    struct Bucket {
        std::vector<Cap> caps;
        std::vector<AlertKey> keys;

        void add(const Cap& cap, AlertKey key) {
            caps.push_back(cap);
            keys.push_back(key);
        }
        void remove(AlertKey key);
    };
    struct Level {
        geo::CellGrid grid;
        geo::FlatCellMap bucket_of;  // cell key -> bucket number
        std::size_t alerts = 0;
    };

    static Cap cap_of(const Entry& e);
    bool contains(const Cap& cap, AlertKey key, const geo::UnitVec& unit, geo::LatLng point) const {
        if (cap.chord2_limit >= 0) return geo::chord2(unit, cap.center) <= cap.chord2_limit;
        return alerts_[key].area->contains(unit, point);
    }
    struct Hit {
        const Cap* cap;
        AlertKey key;
    };
    // A per-thread list, valid until the next call on the same thread.
    const std::vector<Hit>& containing_hits(const geo::UnitVec& unit, geo::LatLng point) const;

    std::vector<Level> levels_;
    std::vector<Bucket> buckets_;  // shared by all levels; empty buckets are reused by their cell
    Bucket global_;                // alerts too large for any level
    std::vector<Entry> alerts_;
    std::size_t active_ = 0;
};

}  // namespace yihu::core
