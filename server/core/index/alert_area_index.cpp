#include "core/index/alert_area_index.h"

#include <algorithm>

namespace yihu::core {

namespace {
constexpr double kFinestCellDeg = 0.01;
constexpr double kLevelFactor = 4.0;

}  // namespace

AlertAreaIndex::AlertAreaIndex() {
    double size = kFinestCellDeg;
    for (std::size_t i = 0; i < kLevels; ++i, size *= kLevelFactor)
        levels_.push_back(Level{geo::CellGrid(size), {}, 0});
}

// Swap-remove, as the alert's position in a bucket carries no meaning.
void AlertAreaIndex::Bucket::remove(AlertKey key) {
    const auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) return;
    const std::size_t i = static_cast<std::size_t>(it - keys.begin());
    caps[i] = caps.back();
    keys[i] = keys.back();
    caps.pop_back();
    keys.pop_back();
}

AlertAreaIndex::Cap AlertAreaIndex::cap_of(const Entry& e) {
    if (const geo::Circle* circle = e.area->circle()) return Cap{circle->center_unit(), circle->chord2_limit()};
    return Cap{{}, -1.0};
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
    const Cap cap = cap_of(e);
    if (level == kLevels) {
        global_.add(cap, key);
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
                buckets_[b].add(cap, key);
                e.buckets.push_back(b);
            }
        }
    }
}

void AlertAreaIndex::erase(AlertKey key) {
    if (!contains_key(key)) return;
    Entry& e = alerts_[key];
    if (e.level == kLevels) {
        global_.remove(key);
    } else {
        --levels_[e.level].alerts;
        for (std::uint32_t b : e.buckets) buckets_[b].remove(key);
    }
    e.active = false;
    e.area.reset();
    e.buckets.clear();
    --active_;
}

// The alerts near the point whose area contains it, in lookup order (levels, then bucket order). Branch-free for
// circles: of the 40-60 candidates a city lookup meets, ~7 contain the point, too few and too random for a branch
// per candidate to predict (measured: the mispredicts were a third of the lookup).
const std::vector<AlertAreaIndex::Hit>& AlertAreaIndex::containing_hits(const geo::UnitVec& unit,
                                                                        geo::LatLng point) const {
    thread_local std::vector<Hit> hits;
    std::size_t n = 0;
    auto scan = [&](const Bucket& bucket) {
        const std::size_t size = bucket.keys.size();
        if (hits.size() < n + size) hits.resize(std::max(n + size, 2 * hits.size()));
        for (std::size_t i = 0; i < size; ++i) {
            hits[n] = Hit{&bucket.caps[i], bucket.keys[i]};
            n += contains(bucket.caps[i], bucket.keys[i], unit, point);
        }
    };
    for (const Level& lv : levels_) {
        if (lv.alerts == 0) continue;
        const std::uint32_t b = lv.bucket_of.find(lv.grid.key(lv.grid.row_of(point.lat), lv.grid.col_of(point.lon)));
        if (b != geo::FlatCellMap::kAbsent) scan(buckets_[b]);
    }
    scan(global_);
    hits.resize(n);
    return hits;
}

void AlertAreaIndex::containing(const geo::UnitVec& unit, geo::LatLng point, const FilterSubject& who,
                                std::vector<AlertKey>& out) const {
    out.clear();
    for (const Hit& hit : containing_hits(unit, point)) {
        if (alerts_[hit.key].filter.admits(who)) out.push_back(hit.key);
    }
}

}  // namespace yihu::core
