#include "core/index/volunteer_index.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace yihu::core {

using geo::LatLng;
using geo::UnitVec;

namespace {
// Volunteer numbers are dense; a number this large is a caller's bug, not a city.
constexpr VolunteerId kMaxVolunteerId = 1u << 26;
}  // namespace

VolunteerIndex::VolunteerIndex(IndexOptions options)
    : options_(options),
      grid_(options.cell_deg),
      memory_(std::make_unique<HugePageArena>()),
      cells_(ArenaAllocator<PointCell>(memory_.get())),
      heads_(ArenaAllocator<CellHead>(memory_.get())),
      locations_(ArenaAllocator<Location>(memory_.get())) {}

VolunteerIndex::Record& VolunteerIndex::record(VolunteerId id) {
    if (id >= records_.size()) {
        const std::size_t n = std::max<std::size_t>(id + 1, records_.size() * 3 / 2);
        records_.resize(n);
        locations_.resize(n);
    }
    Record& rec = records_[id];
    rec.known = true;
    return rec;
}

const VolunteerIndex::Record* VolunteerIndex::find_record(VolunteerId id) const {
    if (id >= records_.size() || !records_[id].known) return nullptr;
    return &records_[id];
}

std::uint32_t VolunteerIndex::cell_for(std::uint32_t row, std::uint32_t col) {
    const std::uint64_t key = grid_.key(row, col);
    std::uint32_t n = cell_numbers_.find(key);
    if (n == geo::FlatCellMap::kAbsent) {
        n = static_cast<std::uint32_t>(cells_.size());
        cells_.emplace_back(row, col, memory_.get());
        heads_.push_back(CellHead{row, col, nullptr});
        cell_numbers_.insert(key, n);
    }
    return n;
}

void VolunteerIndex::attach(VolunteerId id, const CellPoint& point, std::uint32_t row, std::uint32_t col) {
    const std::uint32_t n = cell_for(row, col);
    Location& loc = locations_[id];
    loc.cell = n;
    loc.slot = cells_[n].append(point);
    refresh_head(n);
    ++positioned_;
}

void VolunteerIndex::detach(Location& loc) {
    const VolunteerId moved = cells_[loc.cell].remove(loc.slot);
    locations_[moved].slot = loc.slot;  // the cell's last point took the freed slot (a no-op if it was the last)
    refresh_head(loc.cell);
    loc.cell = kNoCell;
    --positioned_;
}

Status VolunteerIndex::validate_position(VolunteerId id, LatLng position, double accuracy_m) {
    if (auto s = geo::validate(position); !s) return s;
    if (!std::isfinite(accuracy_m)) return make_error(ErrorCode::kNotFinite, "accuracy must be a finite number");
    if (accuracy_m < 0) return make_error(ErrorCode::kInvalidAccuracy, "accuracy must not be negative");
    if (id >= kMaxVolunteerId) return make_error(ErrorCode::kInvalidArgument, "volunteer number out of range");
    return Status::Ok();
}

Status VolunteerIndex::upsert_position(VolunteerId id, LatLng position, double accuracy_m, Time now) {
    if (Status s = validate_position(id, position, accuracy_m); !s) return s;
    place(id, position, geo::to_unit(position), accuracy_m, now);
    return Status::Ok();
}

void VolunteerIndex::place(VolunteerId id, LatLng position, const UnitVec& unit, double accuracy_m, Time now) {
    const std::int64_t now_ms = to_ms(now);
    const std::uint32_t row = grid_.row_of(position.lat);
    const std::uint32_t col = grid_.col_of(position.lon);

    // A volunteer who already has a position: the point is written, never read, unless it changes cells.
    if (id < locations_.size() && locations_[id].cell != kNoCell) {
        Location& loc = locations_[id];
        loc.accuracy_m = static_cast<float>(accuracy_m);
        const CellHead& head = heads_[loc.cell];
        CellPoint& p = head.points[loc.slot];
        if (head.row == row && head.col == col) {  // the common case: a few metres within the cell
            p.unit = unit;
            p.latlng = position;
            p.updated_ms = now_ms;
            return;
        }
        CellPoint moved = p;
        moved.unit = unit;
        moved.latlng = position;
        moved.updated_ms = now_ms;
        detach(loc);
        attach(id, moved, row, col);
        return;
    }
    const Record& rec = record(id);
    locations_[id].accuracy_m = static_cast<float>(accuracy_m);
    attach(id, CellPoint{unit, position, rec.profile.skills, now_ms, id, rec.profile.tier, rec.profile.availability},
           row, col);
}

void VolunteerIndex::remove_position(VolunteerId id) {
    if (id < locations_.size() && locations_[id].cell != kNoCell) detach(locations_[id]);
}

void VolunteerIndex::forget(VolunteerId id) {
    remove_position(id);
    if (id < records_.size()) {
        records_[id] = Record{};
        locations_[id] = Location{};
    }
}

void VolunteerIndex::set_profile(VolunteerId id, VolunteerProfile profile) {
    if (id >= kMaxVolunteerId) return;
    Record& rec = record(id);
    rec.profile = std::move(profile);
    const Location& loc = locations_[id];
    if (loc.cell != kNoCell) {
        PointCell& cell = cells_[loc.cell];
        cell.set_skills(loc.slot, rec.profile.skills);
        cell.points[loc.slot].tier = rec.profile.tier;
        cell.points[loc.slot].availability = rec.profile.availability;
    }
}

void VolunteerIndex::set_availability(VolunteerId id, Availability availability) {
    if (id >= kMaxVolunteerId) return;
    record(id).profile.availability = availability;
    const Location& loc = locations_[id];
    if (loc.cell != kNoCell) cells_[loc.cell].points[loc.slot].availability = availability;
}

void VolunteerIndex::set_skills(VolunteerId id, SkillSet skills) {
    if (id >= kMaxVolunteerId) return;
    record(id).profile.skills = skills;
    const Location& loc = locations_[id];
    if (loc.cell != kNoCell) cells_[loc.cell].set_skills(loc.slot, skills);
}

const VolunteerProfile* VolunteerIndex::profile(VolunteerId id) const {
    const Record* rec = find_record(id);
    return rec ? &rec->profile : nullptr;
}

std::optional<PositionFix> VolunteerIndex::position(VolunteerId id) const {
    const CellPoint* p = point_of(id);
    if (!p) return std::nullopt;
    return PositionFix{p->latlng, locations_[id].accuracy_m, time_from_ms(p->updated_ms)};
}

std::optional<PointState> VolunteerIndex::point_state(VolunteerId id, Time now) const {
    const CellPoint* p = point_of(id);
    if (!p) return std::nullopt;
    return PointState{p->latlng, p->unit, p->updated_ms >= fresh_cutoff(now), p->skills, p->tier, p->availability};
}

bool VolunteerIndex::is_fresh(VolunteerId id, Time now) const {
    const CellPoint* p = point_of(id);
    return p && p->updated_ms >= fresh_cutoff(now);
}

bool VolunteerIndex::admits(VolunteerId id, const VolunteerFilter& filter) const {
    const Record* rec = find_record(id);
    return rec && filter.admits(rec->profile);
}

}  // namespace yihu::core
