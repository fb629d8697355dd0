#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/geo/area.h"
#include "core/geo/cell_grid.h"
#include "core/geo/flat_cell_map.h"
#include "core/index/point_cell.h"
#include "core/index/volunteer_filter.h"
#include "core/time.h"

namespace yihu::core {

struct IndexOptions {
    // Grid cell edge in degrees. 0.005 deg is ~550 m north-south: a 1 km query reads 16-25 cells of a few dozen
    // points each in a city of 10^5-10^6 volunteers (bench/ sweeps this).
    double cell_deg = 0.005;
    // A position older than this stops matching: a phone that went quiet may be anywhere by now.
    Duration max_age = std::chrono::minutes(10);
};

// One volunteer found by a query, with the great-circle distance to the query's centre (or reference point).
struct Match {
    VolunteerId id;
    double distance_m;

    friend bool operator==(const Match&, const Match&) = default;
};

// A volunteer's last reported position. Kept in memory only: positions are personal data and never persisted.
struct PositionFix {
    geo::LatLng position;
    double accuracy_m;
    Time at;
};

// What a position update changed; the matcher uses it to find the alerts a volunteer just walked into.
struct Move {
    bool had_fresh_position = false;  // there was a previous position and it had not yet gone stale
    geo::LatLng previous;
    geo::UnitVec previous_unit;
    geo::UnitVec current_unit;
    // The volunteer's filter fields (profile().skills etc.), copied from the point's own line so that the roaming
    // check does not have to read the record.
    SkillSet skills = 0;
    Tier tier = Tier::kPublic;
    Availability availability = Availability::kOnDuty;
};

struct PointTest;  // cell_scan.h

// The in-memory index of live volunteer positions: a global lat/lon grid whose cells hold contiguous arrays of
// points (one cache line each, see PointCell), so a move costs an array write and a circle query costs about one
// subtraction-and-compare per point it reads. Not thread-safe: one owner (the matcher) calls it.
class VolunteerIndex {
  public:
    explicit VolunteerIndex(IndexOptions options = {});

    // Records where a volunteer is. Invalid coordinates or accuracy are rejected and change nothing.
    // Volunteers without a profile get the default one (on duty, public tier, no skills).
    Result<Move> upsert_position(VolunteerId id, geo::LatLng position, double accuracy_m, Time now);
    // The volunteer stops matching (went offline, logged out); the profile stays.
    void remove_position(VolunteerId id);
    // Forgets everything about the volunteer.
    void forget(VolunteerId id);

    void set_profile(VolunteerId id, VolunteerProfile profile);
    void set_availability(VolunteerId id, Availability availability);
    void set_skills(VolunteerId id, SkillSet skills);

    const VolunteerProfile* profile(VolunteerId id) const;
    // The volunteer's teams, for a FilterSubject built from a Move. `id` must be known (it just moved): computing
    // the reference does not load the record, so a filter without a team never touches it.
    const std::vector<TeamId>& teams(VolunteerId id) const { return records_[id].profile.teams; }
    std::optional<PositionFix> position(VolunteerId id) const;
    // Has a position no older than max_age at `now`.
    bool is_fresh(VolunteerId id, Time now) const;
    // Passes the filter (profile only, not position).
    bool admits(VolunteerId id, const VolunteerFilter& filter) const;
    // Volunteers with a position (fresh or not).
    std::size_t positioned() const { return positioned_; }
    const IndexOptions& options() const { return options_; }

    // Every fresh volunteer inside the circle who passes the filter, in no particular order.
    void within(const geo::Circle& circle, const VolunteerFilter& filter, Time now, std::vector<Match>& out) const;
    // The k nearest of those, by distance then id.
    void nearest(const geo::Circle& circle, const VolunteerFilter& filter, std::size_t k, Time now,
                 std::vector<Match>& out) const;
    // Every fresh volunteer inside the polygon who passes the filter; distances are to `reference`.
    void within(const geo::Polygon& polygon, geo::LatLng reference, const VolunteerFilter& filter, Time now,
                std::vector<Match>& out) const;
    void nearest(const geo::Polygon& polygon, geo::LatLng reference, const VolunteerFilter& filter, std::size_t k,
                 Time now, std::vector<Match>& out) const;
    // Either shape; distances are to area.reference_point(). k = nullopt means everyone.
    void query(const geo::Area& area, const VolunteerFilter& filter, std::optional<std::size_t> k, Time now,
               std::vector<Match>& out) const;

  private:
    static constexpr std::uint32_t kNoCell = geo::FlatCellMap::kAbsent;

    // Where a volunteer's point is, by volunteer number: 12 bytes, so the array behind a position update (3 MB at
    // 270k volunteers) mostly stays in cache and a move costs one miss, on the point's own line.
    struct Location {
        std::uint32_t cell = kNoCell;  // kNoCell: no position
        std::uint32_t slot = 0;
        float accuracy_m = 0;
    };
    // Everything else about a volunteer; a position update does not touch it.
    struct Record {
        bool known = false;
        VolunteerProfile profile;
    };

    Record& record(VolunteerId id);
    const Record* find_record(VolunteerId id) const;
    const CellPoint* point_of(VolunteerId id) const;
    std::uint32_t cell_for(std::uint32_t row, std::uint32_t col);
    void attach(VolunteerId id, const CellPoint& point, std::uint32_t row, std::uint32_t col);
    void detach(Location& loc);
    std::int64_t fresh_cutoff(Time now) const { return to_ms(now) - options_.max_age.count(); }

    // Query helpers (volunteer_index_query.cpp).
    template <class Visit>
    void for_each_cell_batch(const geo::LatLngBox& box, const PointTest& test, Visit&& visit) const;
    template <class Shape, class Emit>
    void scan(const geo::LatLngBox& box, const VolunteerFilter& filter, Time now, Shape&& shape, Emit&& emit) const;
    bool nearest_by_rings(const geo::Circle& circle, const VolunteerFilter& filter, std::size_t k, Time now,
                          std::vector<Match>& out) const;

    IndexOptions options_;
    geo::CellGrid grid_;
    geo::FlatCellMap cell_numbers_;
    std::vector<PointCell> cells_;
    std::vector<Location> locations_;  // by volunteer number, same length as records_
    std::vector<Record> records_;
    std::size_t positioned_ = 0;
};

// Keeps the k smallest (distance, id) of `candidates` sorted ascending and converts squared chords to metres.
// Exposed for the benchmark's baselines so that every contender ranks the same way.
void keep_nearest(std::vector<Match>& candidates_chord2, std::size_t k);
// Converts the distance_m field from squared chord to metres in place.
void chord2_to_meters(std::vector<Match>& matches, std::size_t from = 0);

}  // namespace yihu::core
