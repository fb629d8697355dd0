#include "bruteforce_contender.h"

#include "bench_constants.h"

namespace yihu::bench {

namespace {
const std::int64_t kNowMs = core::to_ms(kBenchTime);
const std::int64_t kFreshCutoffMs = kNowMs - core::IndexOptions{}.max_age.count();
}  // namespace

void BruteforceContender::load(const Dataset& data, const std::vector<core::geo::Area>& alerts) {
    unit_.clear();
    latlng_.clear();
    meta_.clear();
    for (const Volunteer& v : data.volunteers) {
        unit_.push_back(core::geo::to_unit(v.position));
        latlng_.push_back(v.position);
        meta_.push_back(Meta{v.skills, kNowMs, v.tier, core::Availability::kOnDuty});
    }
    alerts_ = alerts;
}

void BruteforceContender::move(core::VolunteerId id, core::geo::LatLng to) {
    unit_[id] = core::geo::to_unit(to);
    latlng_[id] = to;
    meta_[id].updated_ms = kNowMs;
}

template <class Emit>
void BruteforceContender::scan_circle(const core::geo::Circle& circle, const core::VolunteerFilter& filter,
                                      Emit&& emit) const {
    const core::geo::UnitVec center = circle.center_unit();
    const double limit = circle.chord2_limit();
    const std::size_t n = meta_.size();
    for (std::size_t i = 0; i < n; ++i) {
        const Meta& m = meta_[i];
        if (m.updated_ms < kFreshCutoffMs || !filter.admits(m.skills, m.tier, m.availability)) continue;
        const double c2 = core::geo::chord2(unit_[i], center);
        if (c2 <= limit) emit(static_cast<core::VolunteerId>(i), c2);
    }
}

void BruteforceContender::nearest_skilled(const core::geo::Circle& circle, std::size_t k,
                                          std::vector<core::Match>& out) {
    static const core::VolunteerFilter filter = skill_filter();
    out.clear();
    scan_circle(circle, filter, [&](core::VolunteerId id, double c2) { out.push_back(core::Match{id, c2}); });
    core::keep_nearest(out, k);
}

void BruteforceContender::within(const core::geo::Circle& circle, std::vector<core::Match>& out) {
    out.clear();
    scan_circle(circle, core::VolunteerFilter{}, [&](core::VolunteerId id, double c2) {
        out.push_back(core::Match{id, c2});
    });
    core::chord2_to_meters(out);
}

void BruteforceContender::within(const core::geo::Polygon& polygon, std::vector<core::Match>& out) {
    out.clear();
    const core::VolunteerFilter filter;
    const core::geo::UnitVec reference = core::geo::to_unit(polygon.reference_point());
    const std::size_t n = meta_.size();
    for (std::size_t i = 0; i < n; ++i) {
        const Meta& m = meta_[i];
        if (m.updated_ms < kFreshCutoffMs || !filter.admits(m.skills, m.tier, m.availability)) continue;
        if (!polygon.contains(latlng_[i])) continue;
        out.push_back(core::Match{static_cast<core::VolunteerId>(i), core::geo::chord2(unit_[i], reference)});
    }
    core::chord2_to_meters(out);
}

void BruteforceContender::roam(core::VolunteerId id, core::geo::LatLng to, std::vector<core::AlertKey>& entered) {
    entered.clear();
    const core::geo::UnitVec old_unit = unit_[id];
    const core::geo::LatLng old = latlng_[id];
    const bool had_fresh = meta_[id].updated_ms >= kFreshCutoffMs;
    move(id, to);
    const core::geo::UnitVec& unit = unit_[id];
    const Meta& m = meta_[id];
    if (!alert_filter_.admits(m.skills, m.tier, m.availability)) return;
    for (std::size_t key = 0; key < alerts_.size(); ++key) {
        const core::geo::Area& area = alerts_[key];
        if (!area.contains(unit, to)) continue;
        if (had_fresh && area.contains(old_unit, old)) continue;
        entered.push_back(static_cast<core::AlertKey>(key));
    }
}

}  // namespace yihu::bench
