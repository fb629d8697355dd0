#include "yihu_contender.h"

#include <stdexcept>

#include "bench_constants.h"

namespace yihu::bench {

void YihuContender::load(const Dataset& data, const std::vector<core::geo::Area>& alerts) {
    core::VolunteerIndex& index = matcher_.volunteers();
    for (const Volunteer& v : data.volunteers) {
        index.set_profile(v.id, core::VolunteerProfile{v.skills, v.tier, core::Availability::kOnDuty, {}});
        if (!index.upsert_position(v.id, v.position, kAccuracyM, kBenchTime))
            throw std::runtime_error("yihu rejected a dataset position");
    }
    for (std::size_t key = 0; key < alerts.size(); ++key)
        matcher_.alert_areas().upsert(static_cast<core::AlertKey>(key), alerts[key], core::VolunteerFilter{});
}

void YihuContender::move(core::VolunteerId id, core::geo::LatLng to) {
    if (!matcher_.volunteers().upsert_position(id, to, kAccuracyM, kBenchTime)) [[unlikely]]
        throw std::runtime_error("yihu rejected a move");
}

void YihuContender::nearest_skilled(const core::geo::Circle& circle, std::size_t k, std::vector<core::Match>& out) {
    static const core::VolunteerFilter filter = skill_filter();
    matcher_.volunteers().nearest(circle, filter, k, kBenchTime, out);
}

void YihuContender::within(const core::geo::Circle& circle, std::vector<core::Match>& out) {
    matcher_.volunteers().within(circle, core::VolunteerFilter{}, kBenchTime, out);
}

void YihuContender::within(const core::geo::Polygon& polygon, std::vector<core::Match>& out) {
    matcher_.volunteers().within(polygon, polygon.reference_point(), core::VolunteerFilter{}, kBenchTime, out);
}

void YihuContender::roam(core::VolunteerId id, core::geo::LatLng to, std::vector<core::AlertKey>& entered) {
    if (!matcher_.update_position(id, to, kAccuracyM, kBenchTime, entered)) [[unlikely]]
        throw std::runtime_error("yihu rejected a roaming move");
}

}  // namespace yihu::bench
