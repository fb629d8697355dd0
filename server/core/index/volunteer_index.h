#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/geo/area.h"
#include "core/geo/cell_grid.h"
#include "core/geo/flat_cell_map.h"
#include "core/index/point_cell.h"
#include "core/index/volunteer_filter.h"
#include "core/memory/arena_allocator.h"
#include "core/memory/prefetch.h"
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

// A positioned volunteer's point as the index holds it: what the roaming check compares a new position against,
// read before the move.
struct PointState {
    geo::LatLng position;
    geo::UnitVec unit;
    bool fresh;  // no older than max_age at the time asked
    SkillSet skills;
    Tier tier;
    Availability availability;
};

struct PointTest;  // cell_scan.h

// The in-memory index of live volunteer positions: a global lat/lon grid whose cells hold contiguous arrays of
// points (one cache line each, see PointCell), so a move costs an array write and a circle query costs about one
// subtraction-and-compare per point it reads. Not thread-safe: one owner (the matcher) calls it.
class VolunteerIndex {
  public:
    explicit VolunteerIndex(IndexOptions options = {});
    // Movable by construction only: assigning over an index would free its arena before the arrays drawn from it
    // (members are assigned in declaration order).
    VolunteerIndex(VolunteerIndex&&) = default;
    VolunteerIndex& operator=(VolunteerIndex&&) = delete;

    // Records where a volunteer is. Invalid coordinates or accuracy are rejected and change nothing.
    // Volunteers without a profile get the default one (on duty, public tier, no skills).
    // A move inside the volunteer's cell reads only their 12-byte location and the cell's head (small enough to stay
    // in cache) and writes the point's line without reading it: on a city-sized index the line is a cache miss, and
    // a store miss does not stall the caller the way a load would.
    Status upsert_position(VolunteerId id, geo::LatLng position, double accuracy_m, Time now);
    // The checks upsert_position makes, for a caller that must look before it moves (the matcher).
    static Status validate_position(VolunteerId id, geo::LatLng position, double accuracy_m);
    // upsert_position for input validate_position accepted; `unit` is to_unit(position).
    void place(VolunteerId id, geo::LatLng position, const geo::UnitVec& unit, double accuracy_m, Time now);
    // The volunteer stops matching (went offline, logged out); the profile stays.
    void remove_position(VolunteerId id);
    // Forgets everything about the volunteer.
    void forget(VolunteerId id);

    void set_profile(VolunteerId id, VolunteerProfile profile);
    void set_availability(VolunteerId id, Availability availability);
    void set_skills(VolunteerId id, SkillSet skills);

    const VolunteerProfile* profile(VolunteerId id) const;
    // The volunteer's teams (empty for an unknown volunteer), for a FilterSubject built from a PointState. Computing
    // the reference does not load the record, so a filter without a team never touches it.
    const std::vector<TeamId>& teams(VolunteerId id) const {
        static const std::vector<TeamId> kNone;
        return id < records_.size() ? records_[id].profile.teams : kNone;
    }
    std::optional<PositionFix> position(VolunteerId id) const;
    // The volunteer's point, or nullopt if they have no position. `fresh` is judged at `now`.
    std::optional<PointState> point_state(VolunteerId id, Time now) const;
    // Starts loading the volunteer's point line (a hint; no effect if they have no position), so that a
    // point_state() after other work finds it in cache.
    void prefetch_point(VolunteerId id) const {
        if (const CellPoint* p = point_of(id)) prefetch_line(p);
    }
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
    // Any area (circle, polygon or union) as the filter; distances are measured, and the k nearest chosen, from
    // `rank_from` (an alert's centre, which need not be the area's centre). k = nullopt means everyone. A circle
    // ranked from its own centre takes the ring-by-ring path of nearest(); any other rank point reads the whole cover;
    // a union is read part by part.
    void query(const geo::Area& area, geo::LatLng rank_from, const VolunteerFilter& filter,
               std::optional<std::size_t> k, Time now, std::vector<Match>& out) const;

  private:
    static constexpr std::uint32_t kNoCell = geo::FlatCellMap::kAbsent;

    // Where a volunteer's point is, by volunteer number: 12 bytes (3 MB at 270k volunteers), read on every move.
    struct Location {
        std::uint32_t cell = kNoCell;  // kNoCell: no position
        std::uint32_t slot = 0;
        float accuracy_m = 0;
    };
    // What a move needs of a cell, 16 bytes, parallel to cells_ (200 KB for a city of 12,000 cells, so it stays in
    // cache where the PointCell with its vectors would not): is the new position still in this cell, and where are
    // its points. `points` is refreshed whenever the cell's array may have moved.
    struct CellHead {
        std::uint32_t row;
        std::uint32_t col;
        CellPoint* points;
    };
    // Everything else about a volunteer; a position update does not touch it.
    struct Record {
        bool known = false;
        VolunteerProfile profile;
    };

    Record& record(VolunteerId id);
    const Record* find_record(VolunteerId id) const;
    const CellPoint* point_of(VolunteerId id) const {
        if (id >= locations_.size() || locations_[id].cell == kNoCell) return nullptr;
        return &heads_[locations_[id].cell].points[locations_[id].slot];
    }
    std::uint32_t cell_for(std::uint32_t row, std::uint32_t col);
    void refresh_head(std::uint32_t cell) { heads_[cell].points = cells_[cell].points.data(); }
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
    // Holds everything a move or a query reads (cells, their points and skill maps, heads, locations) in huge
    // pages. Held by pointer so that the containers' allocators stay valid when the index is moved.
    std::unique_ptr<HugePageArena> memory_;
    ArenaVector<PointCell> cells_;
    ArenaVector<CellHead> heads_;      // by cell number, like cells_
    ArenaVector<Location> locations_;  // by volunteer number, same length as records_
    std::vector<Record> records_;
    std::size_t positioned_ = 0;
};

// Keeps the k smallest (distance, id) of `candidates` sorted ascending and converts squared chords to metres.
// Exposed for the benchmark's baselines so that every contender ranks the same way.
void keep_nearest(std::vector<Match>& candidates_chord2, std::size_t k);
// Converts the distance_m field from squared chord to metres in place.
void chord2_to_meters(std::vector<Match>& matches, std::size_t from = 0);

}  // namespace yihu::core
