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

VolunteerIndex::VolunteerIndex(IndexOptions options) : options_(options), grid_(options.cell_deg) {}

VolunteerIndex::Record& VolunteerIndex::record(VolunteerId id) {
    if (id >= records_.size()) records_.resize(std::max<std::size_t>(id + 1, records_.size() * 3 / 2));
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
        cells_.push_back(Cell{row, col, {}, {}, {}});
        cell_numbers_.insert(key, n);
    }
    return n;
}

// Removes the record's point from its cell by moving the cell's last point into its slot: O(1), and the cell's
// arrays stay contiguous.
void VolunteerIndex::detach(Record& rec) {
    Cell& cell = cells_[rec.cell];
    const std::uint32_t last = static_cast<std::uint32_t>(cell.meta.size() - 1);
    if (rec.slot != last) {
        cell.unit[rec.slot] = cell.unit[last];
        cell.meta[rec.slot] = cell.meta[last];
        cell.latlng[rec.slot] = cell.latlng[last];
        records_[cell.meta[rec.slot].id].slot = rec.slot;
    }
    cell.unit.pop_back();
    cell.meta.pop_back();
    cell.latlng.pop_back();
    rec.cell = kNoCell;
    --positioned_;
}

Result<Move> VolunteerIndex::upsert_position(VolunteerId id, LatLng position, double accuracy_m, Time now) {
    if (auto s = geo::validate(position); !s) return s.error();
    if (!std::isfinite(accuracy_m)) return make_error(ErrorCode::kNotFinite, "accuracy must be a finite number");
    if (accuracy_m < 0) return make_error(ErrorCode::kInvalidAccuracy, "accuracy must not be negative");
    if (id >= kMaxVolunteerId) return make_error(ErrorCode::kInvalidArgument, "volunteer number out of range");

    Record& rec = record(id);
    const UnitVec unit = geo::to_unit(position);
    const std::int64_t now_ms = to_ms(now);
    const std::uint32_t row = grid_.row_of(position.lat);
    const std::uint32_t col = grid_.col_of(position.lon);
    Move move;
    move.current_unit = unit;
    rec.accuracy_m = static_cast<float>(accuracy_m);

    if (rec.cell != kNoCell) {
        Cell& cell = cells_[rec.cell];
        PointMeta& meta = cell.meta[rec.slot];
        move.had_fresh_position = meta.updated_ms >= fresh_cutoff(now);
        move.previous = cell.latlng[rec.slot];
        move.previous_unit = cell.unit[rec.slot];
        if (cell.row == row && cell.col == col) {  // the common case: a few metres within the same cell
            cell.unit[rec.slot] = unit;
            cell.latlng[rec.slot] = position;
            meta.updated_ms = now_ms;
            return move;
        }
        detach(rec);
    }
    const std::uint32_t n = cell_for(row, col);
    Cell& cell = cells_[n];
    rec.cell = n;
    rec.slot = static_cast<std::uint32_t>(cell.meta.size());
    cell.unit.push_back(unit);
    cell.latlng.push_back(position);
    cell.meta.push_back(PointMeta{rec.profile.skills, now_ms, id, rec.profile.tier, rec.profile.availability});
    ++positioned_;
    return move;
}

void VolunteerIndex::remove_position(VolunteerId id) {
    if (id >= records_.size()) return;
    Record& rec = records_[id];
    if (rec.cell != kNoCell) detach(rec);
}

void VolunteerIndex::forget(VolunteerId id) {
    remove_position(id);
    if (id < records_.size()) records_[id] = Record{};
}

void VolunteerIndex::set_profile(VolunteerId id, VolunteerProfile profile) {
    if (id >= kMaxVolunteerId) return;
    Record& rec = record(id);
    rec.profile = std::move(profile);
    if (rec.cell != kNoCell) {
        PointMeta& meta = cells_[rec.cell].meta[rec.slot];
        meta.skills = rec.profile.skills;
        meta.tier = rec.profile.tier;
        meta.availability = rec.profile.availability;
    }
}

void VolunteerIndex::set_availability(VolunteerId id, Availability availability) {
    if (id >= kMaxVolunteerId) return;
    Record& rec = record(id);
    rec.profile.availability = availability;
    if (rec.cell != kNoCell) cells_[rec.cell].meta[rec.slot].availability = availability;
}

void VolunteerIndex::set_skills(VolunteerId id, SkillSet skills) {
    if (id >= kMaxVolunteerId) return;
    Record& rec = record(id);
    rec.profile.skills = skills;
    if (rec.cell != kNoCell) cells_[rec.cell].meta[rec.slot].skills = skills;
}

const VolunteerProfile* VolunteerIndex::profile(VolunteerId id) const {
    const Record* rec = find_record(id);
    return rec ? &rec->profile : nullptr;
}

std::optional<PositionFix> VolunteerIndex::position(VolunteerId id) const {
    const Record* rec = find_record(id);
    if (!rec || rec->cell == kNoCell) return std::nullopt;
    const Cell& cell = cells_[rec->cell];
    return PositionFix{cell.latlng[rec->slot], rec->accuracy_m, time_from_ms(cell.meta[rec->slot].updated_ms)};
}

bool VolunteerIndex::is_fresh(VolunteerId id, Time now) const {
    const Record* rec = find_record(id);
    return rec && rec->cell != kNoCell && cells_[rec->cell].meta[rec->slot].updated_ms >= fresh_cutoff(now);
}

bool VolunteerIndex::admits(VolunteerId id, const VolunteerFilter& filter) const {
    const Record* rec = find_record(id);
    return rec && filter.admits(rec->profile);
}

// Visits every existing cell the box touches. When the box spans more grid cells than exist (a 300 km ring over a
// city), walking the list of existing cells is cheaper than probing empty ones, so the cost is bounded by
// min(cells in box, cells in use) plus the points read.
//
// Cells are gathered and their arrays prefetched before any is scanned: on a cold cache each cell costs a few
// dependent misses (hash slot, header, first lines of its arrays), and gathering first lets those misses of
// neighbouring cells overlap instead of queueing one after another behind each scan (measured: bench/RESULTS.md).
template <class Visit>
void VolunteerIndex::for_each_cell(const geo::LatLngBox& box, Visit&& visit) const {
    const geo::CellGrid::Cover cover = grid_.cover(box);
    if (cover.cell_count() > cells_.size()) {
        for (const Cell& cell : cells_) {
            if (!cell.meta.empty() && cover.contains(cell.row, cell.col)) visit(cell);
        }
        return;
    }
    constexpr std::size_t kBatch = 32;
    std::array<const Cell*, kBatch> batch;
    std::size_t pending = 0;
    auto flush = [&] {
        for (std::size_t i = 0; i < pending; ++i) visit(*batch[i]);
        pending = 0;
    };
    for (std::uint32_t row = cover.row_lo; row <= cover.row_hi; ++row) {
        for (std::size_t r = 0; r < cover.col_ranges; ++r) {
            for (std::uint32_t col = cover.col_lo[r]; col <= cover.col_hi[r]; ++col) {
                const std::uint32_t n = cell_numbers_.find(grid_.key(row, col));
                if (n == geo::FlatCellMap::kAbsent) continue;
                const Cell& cell = cells_[n];
                if (cell.meta.empty()) continue;
                const char* meta = reinterpret_cast<const char*>(cell.meta.data());
                const char* unit = reinterpret_cast<const char*>(cell.unit.data());
                for (int line = 0; line < 4; ++line) {
                    __builtin_prefetch(meta + line * 64);
                    __builtin_prefetch(unit + line * 64);
                }
                batch[pending++] = &cell;
                if (pending == kBatch) flush();
            }
        }
    }
    flush();
}

namespace {
// The filter as one branch-free test per point: at ~10% skill holders a chain of short-circuit branches
// mispredicts often, and this loop runs once for every point a query reads.
struct PointTest {
    std::int64_t cutoff;
    SkillSet any;
    SkillSet all;
    std::uint8_t min_tier;
    bool duty_only;

    PointTest(const VolunteerFilter& f, std::int64_t fresh_cutoff)
        : cutoff(fresh_cutoff),
          any(f.skills_any),
          all(f.skills_all),
          min_tier(static_cast<std::uint8_t>(f.min_tier)),
          duty_only(f.on_duty_only) {}

    template <class Meta>
    bool operator()(const Meta& m) const {
        return (m.updated_ms >= cutoff) & ((any == 0) | ((m.skills & any) != 0)) & ((m.skills & all) == all) &
               (static_cast<std::uint8_t>(m.tier) >= min_tier) &
               (!duty_only | (m.availability == Availability::kOnDuty));
    }
};
}  // namespace

template <class Emit>
void VolunteerIndex::scan_circle(const geo::Circle& circle, const VolunteerFilter& filter, Time now,
                                 Emit&& emit) const {
    const PointTest admits(filter, fresh_cutoff(now));
    const UnitVec center = circle.center_unit();
    const double limit = circle.chord2_limit();
    for_each_cell(circle.bounds(), [&](const Cell& cell) {
        const std::size_t n = cell.meta.size();
        for (std::size_t i = 0; i < n; ++i) {
            const PointMeta& m = cell.meta[i];
            if (!admits(m)) continue;
            const double c2 = geo::chord2(cell.unit[i], center);
            if (c2 > limit) continue;
            if (filter.team && !filter.admits_teams(records_[m.id].profile.teams)) continue;
            emit(m.id, c2);
        }
    });
}

template <class Emit>
void VolunteerIndex::scan_polygon(const geo::Polygon& polygon, const UnitVec& reference, const VolunteerFilter& filter,
                                  Time now, Emit&& emit) const {
    const PointTest admits(filter, fresh_cutoff(now));
    for_each_cell(polygon.bounds(), [&](const Cell& cell) {
        const std::size_t n = cell.meta.size();
        for (std::size_t i = 0; i < n; ++i) {
            const PointMeta& m = cell.meta[i];
            if (!admits(m)) continue;
            if (!polygon.contains(cell.latlng[i])) continue;
            if (filter.team && !filter.admits_teams(records_[m.id].profile.teams)) continue;
            emit(m.id, geo::chord2(cell.unit[i], reference));
        }
    });
}

void chord2_to_meters(std::vector<Match>& matches, std::size_t from) {
    for (std::size_t i = from; i < matches.size(); ++i)
        matches[i].distance_m = geo::distance_of_chord2(matches[i].distance_m);
}

void keep_nearest(std::vector<Match>& candidates, std::size_t k) {
    const auto closer = [](const Match& a, const Match& b) {
        return a.distance_m < b.distance_m || (a.distance_m == b.distance_m && a.id < b.id);
    };
    if (candidates.size() > k) {
        std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(k), candidates.end(),
                         closer);
        candidates.resize(k);
    }
    std::sort(candidates.begin(), candidates.end(), closer);
    chord2_to_meters(candidates);
}

void VolunteerIndex::within(const geo::Circle& circle, const VolunteerFilter& filter, Time now,
                            std::vector<Match>& out) const {
    out.clear();
    scan_circle(circle, filter, now, [&](VolunteerId id, double c2) { out.push_back(Match{id, c2}); });
    chord2_to_meters(out);
}

void VolunteerIndex::nearest(const geo::Circle& circle, const VolunteerFilter& filter, std::size_t k, Time now,
                             std::vector<Match>& out) const {
    out.clear();
    if (k == 0) return;
    scan_circle(circle, filter, now, [&](VolunteerId id, double c2) { out.push_back(Match{id, c2}); });
    keep_nearest(out, k);
}

void VolunteerIndex::within(const geo::Polygon& polygon, LatLng reference, const VolunteerFilter& filter, Time now,
                            std::vector<Match>& out) const {
    out.clear();
    scan_polygon(polygon, geo::to_unit(reference), filter, now, [&](VolunteerId id, double c2) {
        out.push_back(Match{id, c2});
    });
    chord2_to_meters(out);
}

void VolunteerIndex::nearest(const geo::Polygon& polygon, LatLng reference, const VolunteerFilter& filter,
                             std::size_t k, Time now, std::vector<Match>& out) const {
    out.clear();
    if (k == 0) return;
    scan_polygon(polygon, geo::to_unit(reference), filter, now, [&](VolunteerId id, double c2) {
        out.push_back(Match{id, c2});
    });
    keep_nearest(out, k);
}

void VolunteerIndex::query(const geo::Area& area, const VolunteerFilter& filter, std::optional<std::size_t> k, Time now,
                           std::vector<Match>& out) const {
    if (const geo::Circle* c = area.circle()) {
        if (k) return nearest(*c, filter, *k, now, out);
        return within(*c, filter, now, out);
    }
    if (k) return nearest(*area.polygon(), area.reference_point(), filter, *k, now, out);
    within(*area.polygon(), area.reference_point(), filter, now, out);
}

}  // namespace yihu::core
