#include "core/index/alert_area_index.h"

#include <algorithm>

namespace yihu::core {

namespace {
constexpr double kFinestCellDeg = 0.01;
constexpr double kLevelFactor = 4.0;

void erase_value(std::vector<AlertKey>& v, AlertKey key) {
    auto it = std::find(v.begin(), v.end(), key);
    if (it != v.end()) {
        *it = v.back();
        v.pop_back();
    }
}
}  // namespace

AlertAreaIndex::AlertAreaIndex() {
    double size = kFinestCellDeg;
    for (std::size_t i = 0; i < kLevels; ++i, size *= kLevelFactor)
        levels_.push_back(Level{geo::CellGrid(size), {}, 0});
}

void AlertAreaIndex::upsert(AlertKey key, geo::Area area, VolunteerFilter filter) {
    erase(key);
    if (key >= alerts_.size()) alerts_.resize(key + 1);
    Entry& e = alerts_[key];
    e.active = true;
    e.area = std::move(area);
    e.filter = std::move(filter);
    e.buckets.clear();
    ++active_;

    const geo::LatLngBox box = e.area->bounds();
    const double span = std::max(box.lat_span(), box.lon_span());
    std::size_t level = 0;
    while (level < kLevels && levels_[level].grid.cell_deg() < span) ++level;
    e.level = static_cast<std::uint8_t>(level);
    if (level == kLevels) {
        global_.push_back(key);
        return;
    }
    Level& lv = levels_[level];
    ++lv.alerts;
    const geo::CellGrid::Cover cover = lv.grid.cover(box);
    for (std::uint32_t row = cover.row_lo; row <= cover.row_hi; ++row) {
        for (std::size_t r = 0; r < cover.col_ranges; ++r) {
            for (std::uint32_t col = cover.col_lo[r]; col <= cover.col_hi[r]; ++col) {
                const std::uint64_t cell = lv.grid.key(row, col);
                std::uint32_t b = lv.bucket_of.find(cell);
                if (b == geo::FlatCellMap::kAbsent) {
                    b = static_cast<std::uint32_t>(buckets_.size());
                    buckets_.emplace_back();
                    lv.bucket_of.insert(cell, b);
                }
                buckets_[b].push_back(key);
                e.buckets.push_back(b);
            }
        }
    }
}

void AlertAreaIndex::erase(AlertKey key) {
    if (!contains_key(key)) return;
    Entry& e = alerts_[key];
    if (e.level == kLevels) {
        erase_value(global_, key);
    } else {
        --levels_[e.level].alerts;
        for (std::uint32_t b : e.buckets) erase_value(buckets_[b], key);
    }
    e.active = false;
    e.area.reset();
    e.buckets.clear();
    --active_;
}

template <class Visit>
void AlertAreaIndex::for_each_candidate(geo::LatLng point, Visit&& visit) const {
    for (const Level& lv : levels_) {
        if (lv.alerts == 0) continue;
        const std::uint32_t b = lv.bucket_of.find(lv.grid.key(lv.grid.row_of(point.lat), lv.grid.col_of(point.lon)));
        if (b == geo::FlatCellMap::kAbsent) continue;
        for (AlertKey key : buckets_[b]) visit(key, alerts_[key]);
    }
    for (AlertKey key : global_) visit(key, alerts_[key]);
}

void AlertAreaIndex::containing(const geo::UnitVec& unit, geo::LatLng point, const VolunteerProfile& profile,
                                std::vector<AlertKey>& out) const {
    out.clear();
    for_each_candidate(point, [&](AlertKey key, const Entry& e) {
        if (e.filter.admits(profile) && e.area->contains(unit, point)) out.push_back(key);
    });
}

void AlertAreaIndex::entered(const geo::UnitVec& unit, geo::LatLng point, const std::optional<geo::LatLng>& previous,
                             const geo::UnitVec& previous_unit, const VolunteerProfile& profile,
                             std::vector<AlertKey>& out) const {
    out.clear();
    for_each_candidate(point, [&](AlertKey key, const Entry& e) {
        if (!e.filter.admits(profile) || !e.area->contains(unit, point)) return;
        if (previous && e.area->contains(previous_unit, *previous)) return;
        out.push_back(key);
    });
}

}  // namespace yihu::core
