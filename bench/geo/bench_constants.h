#pragma once

#include <cstddef>

#include "core/index/volunteer.h"
#include "core/index/volunteer_filter.h"
#include "core/time.h"

namespace yihu::bench {

// What every contender is asked, kept in one place so that they are all asked exactly the same thing.
inline constexpr core::SkillSet kSkillUnderTest = 1;  // bit 0, held by ~10% of volunteers
inline constexpr double kSkilledShare = 0.10;
inline constexpr std::size_t kKnnK = 100;
inline constexpr double kKnnRadiusM = 1000.0;
inline constexpr double kCircleRadiusM = 5000.0;
inline constexpr double kNearMoveMaxM = 50.0;
inline constexpr double kFarMoveMinM = 2000.0;
inline constexpr double kFarMoveMaxM = 20000.0;
inline constexpr double kAccuracyM = 10.0;
inline constexpr std::size_t kPolygonVertices = 12;
// Every position and every query is at this instant, so all volunteers are fresh; the index still checks freshness
// per point, as it does in production.
inline constexpr core::Time kBenchTime = core::time_from_ms(1'700'000'000'000);

// The filter of knn100_1km: on duty (everyone is) and holding the skill under test.
inline core::VolunteerFilter skill_filter() {
    core::VolunteerFilter filter;
    filter.skills_any = kSkillUnderTest;
    return filter;
}

}  // namespace yihu::bench
