#include "rtree_contender.h"

#include <boost/iterator/function_output_iterator.hpp>
#include <stdexcept>

#include "bench_constants.h"

namespace yihu::bench {

namespace bgi = boost::geometry::index;

namespace {
const std::int64_t kNowMs = core::to_ms(kBenchTime);
const std::int64_t kFreshCutoffMs = kNowMs - core::IndexOptions{}.max_age.count();
}  // namespace

RtreeContender::Box RtreeContender::box_of(const core::geo::LatLngBox& box) {
    if (box.crosses_antimeridian()) throw std::logic_error("boost_rtree contender: box crosses the antimeridian");
    return Box(Point(box.lon_lo, box.lat_lo), Point(box.lon_hi, box.lat_hi));
}

void RtreeContender::load(const Dataset& data, const std::vector<core::geo::Area>& alerts) {
    std::vector<PointEntry> entries;
    entries.reserve(data.volunteers.size());
    unit_.clear();
    latlng_.clear();
    meta_.clear();
    for (const Volunteer& v : data.volunteers) {
        entries.emplace_back(Point(v.position.lon, v.position.lat), v.id);
        unit_.push_back(core::geo::to_unit(v.position));
        latlng_.push_back(v.position);
        meta_.push_back(Meta{v.skills, kNowMs, v.tier, core::Availability::kOnDuty});
    }
    // The range constructor bulk-loads (STR packing): the best tree the library can build for a static set.
    points_ = decltype(points_)(entries.begin(), entries.end());

    std::vector<BoxEntry> boxes;
    for (std::size_t key = 0; key < alerts.size(); ++key)
        boxes.emplace_back(box_of(alerts[key].bounds()), static_cast<core::AlertKey>(key));
    alert_boxes_ = decltype(alert_boxes_)(boxes.begin(), boxes.end());
    alerts_ = alerts;
}

void RtreeContender::move(core::VolunteerId id, core::geo::LatLng to) {
    const core::geo::LatLng from = latlng_[id];
    points_.remove(PointEntry(Point(from.lon, from.lat), id));
    points_.insert(PointEntry(Point(to.lon, to.lat), id));
    unit_[id] = core::geo::to_unit(to);
    latlng_[id] = to;
    meta_[id].updated_ms = kNowMs;
}

template <class Visit>
void RtreeContender::for_each_in_box(const core::geo::LatLngBox& box, Visit&& visit) const {
    points_.query(bgi::intersects(box_of(box)),
                  boost::make_function_output_iterator([&](const PointEntry& e) { visit(e.second); }));
}

template <class Emit>
void RtreeContender::scan_circle(const core::geo::Circle& circle, const core::VolunteerFilter& filter,
                                 Emit&& emit) const {
    const core::geo::UnitVec center = circle.center_unit();
    const double limit = circle.chord2_limit();
    for_each_in_box(circle.bounds(), [&](core::VolunteerId id) {
        const Meta& m = meta_[id];
        if (m.updated_ms < kFreshCutoffMs || !filter.admits(m.skills, m.tier, m.availability)) return;
        const double c2 = core::geo::chord2(unit_[id], center);
        if (c2 <= limit) emit(id, c2);
    });
}

void RtreeContender::nearest_skilled(const core::geo::Circle& circle, std::size_t k, std::vector<core::Match>& out) {
    static const core::VolunteerFilter filter = skill_filter();
    out.clear();
    scan_circle(circle, filter, [&](core::VolunteerId id, double c2) { out.push_back(core::Match{id, c2}); });
    core::keep_nearest(out, k);
}

void RtreeContender::within(const core::geo::Circle& circle, std::vector<core::Match>& out) {
    out.clear();
    scan_circle(circle, core::VolunteerFilter{}, [&](core::VolunteerId id, double c2) {
        out.push_back(core::Match{id, c2});
    });
    core::chord2_to_meters(out);
}

void RtreeContender::within(const core::geo::Polygon& polygon, std::vector<core::Match>& out) {
    out.clear();
    const core::VolunteerFilter filter;
    const core::geo::UnitVec reference = core::geo::to_unit(polygon.reference_point());
    for_each_in_box(polygon.bounds(), [&](core::VolunteerId id) {
        const Meta& m = meta_[id];
        if (m.updated_ms < kFreshCutoffMs || !filter.admits(m.skills, m.tier, m.availability)) return;
        if (!polygon.contains(latlng_[id])) return;
        out.push_back(core::Match{id, core::geo::chord2(unit_[id], reference)});
    });
    core::chord2_to_meters(out);
}

void RtreeContender::roam(core::VolunteerId id, core::geo::LatLng to, std::vector<core::AlertKey>& entered) {
    entered.clear();
    const core::geo::UnitVec old_unit = unit_[id];
    const core::geo::LatLng old = latlng_[id];
    const bool had_fresh = meta_[id].updated_ms >= kFreshCutoffMs;
    move(id, to);
    const core::geo::UnitVec& unit = unit_[id];
    const Meta& m = meta_[id];
    if (!alert_filter_.admits(m.skills, m.tier, m.availability)) return;
    alert_boxes_.query(bgi::intersects(Point(to.lon, to.lat)),
                       boost::make_function_output_iterator([&](const BoxEntry& e) {
                           const core::geo::Area& area = alerts_[e.second];
                           if (!area.contains(unit, to)) return;
                           if (had_fresh && area.contains(old_unit, old)) return;
                           entered.push_back(e.second);
                       }));
}

}  // namespace yihu::bench
