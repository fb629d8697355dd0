#include "core/index/volunteer_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/geo/sphere.h"

namespace yihu::core {
namespace {

using geo::Circle;
using geo::LatLng;
using namespace std::chrono_literals;

const Time kT0 = time_from_ms(1'700'000'000'000);
const LatLng kDongguan{23.02, 113.75};

Circle circle(LatLng c, double r) {
    return Circle::make(c, r).value();
}

std::vector<VolunteerId> ids_of(const std::vector<Match>& ms) {
    std::vector<VolunteerId> ids;
    for (const Match& m : ms) ids.push_back(m.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

TEST(VolunteerIndex, FindsVolunteerWithinRadiusWithDistance) {
    VolunteerIndex index;
    const LatLng p = geo::destination(kDongguan, 45, 300);
    ASSERT_TRUE(index.upsert_position(1, p, 10, kT0));
    std::vector<Match> out;
    index.within(circle(kDongguan, 500), {}, kT0, out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].id, 1u);
    EXPECT_NEAR(out[0].distance_m, 300, 1e-3);
    index.within(circle(kDongguan, 299), {}, kT0, out);
    EXPECT_TRUE(out.empty());
}

TEST(VolunteerIndex, MoveWithinCellAndAcrossCellsUpdatesMatches) {
    VolunteerIndex index;
    ASSERT_TRUE(index.upsert_position(7, kDongguan, 5, kT0));
    ASSERT_TRUE(index.upsert_position(8, geo::destination(kDongguan, 0, 20), 5, kT0));
    // A few metres: same cell.
    const LatLng near = geo::destination(kDongguan, 90, 10);
    const std::optional<PointState> was = index.point_state(7, kT0 + 1s);
    ASSERT_TRUE(was);
    EXPECT_TRUE(was->fresh);
    EXPECT_EQ(was->position, kDongguan);
    ASSERT_TRUE(index.upsert_position(7, near, 5, kT0 + 1s));
    const std::optional<PointState> now = index.point_state(7, kT0 + 1s);
    ASSERT_TRUE(now);
    EXPECT_EQ(now->position, near);
    EXPECT_EQ(geo::chord2(now->unit, geo::to_unit(near)), 0.0);
    EXPECT_EQ(index.position(7)->accuracy_m, 5);
    EXPECT_FALSE(index.point_state(99, kT0)) << "no position, no state";
    // Three kilometres: another cell.
    const LatLng far = geo::destination(kDongguan, 180, 3000);
    ASSERT_TRUE(index.upsert_position(7, far, 5, kT0 + 2s));
    std::vector<Match> out;
    index.within(circle(kDongguan, 100), {}, kT0 + 2s, out);
    EXPECT_EQ(ids_of(out), (std::vector<VolunteerId>{8}));
    index.within(circle(far, 1), {}, kT0 + 2s, out);
    EXPECT_EQ(ids_of(out), (std::vector<VolunteerId>{7}));
    EXPECT_EQ(index.positioned(), 2u);
    EXPECT_EQ(index.position(7)->position, far);
}

TEST(VolunteerIndex, AMovedIndexKeepsItsPointsAndKeepsWorking) {
    VolunteerIndex original;
    for (VolunteerId id = 0; id < 200; ++id)
        ASSERT_TRUE(original.upsert_position(id, geo::destination(kDongguan, id * 1.8, 10.0 * id), 5, kT0));
    VolunteerIndex index(std::move(original));  // its arena and the arrays drawn from it move together
    std::vector<Match> out;
    index.within(circle(kDongguan, 505), {}, kT0, out);
    EXPECT_EQ(out.size(), 51u) << "ids 0..50 are within 500 m";
    for (VolunteerId id = 0; id < 200; ++id)  // moves in and across cells allocate from the moved arena
        ASSERT_TRUE(index.upsert_position(id, geo::destination(kDongguan, id * 1.8, 3000 + id), 5, kT0 + 1s));
    index.within(circle(kDongguan, 505), {}, kT0 + 1s, out);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(index.positioned(), 200u);
}

TEST(VolunteerIndex, RemoveAndForgetStopMatching) {
    VolunteerIndex index;
    for (VolunteerId id = 0; id < 5; ++id) ASSERT_TRUE(index.upsert_position(id, kDongguan, 5, kT0));
    index.remove_position(2);
    index.forget(4);
    std::vector<Match> out;
    index.within(circle(kDongguan, 10), {}, kT0, out);
    EXPECT_EQ(ids_of(out), (std::vector<VolunteerId>{0, 1, 3}));
    EXPECT_EQ(index.positioned(), 3u);
    EXPECT_NE(index.profile(2), nullptr);
    EXPECT_EQ(index.profile(4), nullptr);
    index.remove_position(2);   // twice is harmless
    index.remove_position(99);  // unknown is harmless
}

TEST(VolunteerIndex, StalePositionsStopMatchingAfterMaxAge) {
    VolunteerIndex index(IndexOptions{.cell_deg = 0.005, .max_age = 10min});
    ASSERT_TRUE(index.upsert_position(1, kDongguan, 5, kT0));
    std::vector<Match> out;
    index.within(circle(kDongguan, 10), {}, kT0 + 10min, out);
    EXPECT_EQ(out.size(), 1u) << "exactly max_age old still matches";
    index.within(circle(kDongguan, 10), {}, kT0 + 10min + 1ms, out);
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(index.is_fresh(1, kT0 + 11min));
    EXPECT_FALSE(index.point_state(1, kT0 + 11min)->fresh);
    ASSERT_TRUE(index.upsert_position(1, kDongguan, 5, kT0 + 11min));
    EXPECT_TRUE(index.is_fresh(1, kT0 + 11min));
}

TEST(VolunteerIndex, FiltersOnSkillsTierDutyAndTeam) {
    VolunteerIndex index;
    constexpr SkillSet kSwim = 1, kBoat = 2, kMedic = 4;
    index.set_profile(1, {kSwim, Tier::kPublic, Availability::kOnDuty, {}});
    index.set_profile(2, {kSwim | kBoat, Tier::kVetted, Availability::kOnDuty, {10}});
    index.set_profile(3, {kMedic, Tier::kRegistered, Availability::kOffDuty, {10, 11}});
    index.set_profile(4, {0, Tier::kRegistered, Availability::kOnDuty, {11}});
    for (VolunteerId id = 1; id <= 4; ++id) ASSERT_TRUE(index.upsert_position(id, kDongguan, 5, kT0));
    std::vector<Match> out;
    auto query = [&](VolunteerFilter f) {
        index.within(circle(kDongguan, 50), f, kT0, out);
        return ids_of(out);
    };
    EXPECT_EQ(query({}), (std::vector<VolunteerId>{1, 2, 4})) << "off duty excluded by default";
    EXPECT_EQ(query({.on_duty_only = false}), (std::vector<VolunteerId>{1, 2, 3, 4}));
    EXPECT_EQ(query({.skills_any = kSwim | kMedic}), (std::vector<VolunteerId>{1, 2}));
    EXPECT_EQ(query({.skills_all = kSwim | kBoat}), (std::vector<VolunteerId>{2}));
    EXPECT_EQ(query({.min_tier = Tier::kRegistered}), (std::vector<VolunteerId>{2, 4}));
    EXPECT_EQ(query({.min_tier = Tier::kVetted}), (std::vector<VolunteerId>{2}));
    EXPECT_EQ(query({.team = 11}), (std::vector<VolunteerId>{4}));
    EXPECT_EQ(query({.on_duty_only = false, .team = 10}), (std::vector<VolunteerId>{2, 3}));
    // Changes to the profile reach the indexed point.
    index.set_availability(3, Availability::kOnDuty);
    index.set_skills(4, kSwim);
    EXPECT_EQ(query({.skills_any = kSwim | kMedic}), (std::vector<VolunteerId>{1, 2, 3, 4}));
    EXPECT_TRUE(index.admits(2, {.min_tier = Tier::kVetted}));
    EXPECT_FALSE(index.admits(1, {.min_tier = Tier::kVetted}));
}

TEST(VolunteerIndex, NearestKSortedByDistanceThenId) {
    VolunteerIndex index;
    // Ids 10..14 share one spot 100 m out; ids 1..3 are at 50, 150 and 250 m.
    for (VolunteerId id = 10; id < 15; ++id) {
        ASSERT_TRUE(index.upsert_position(id, geo::destination(kDongguan, 30, 100), 5, kT0));
    }
    ASSERT_TRUE(index.upsert_position(3, geo::destination(kDongguan, 0, 250), 5, kT0));
    ASSERT_TRUE(index.upsert_position(1, geo::destination(kDongguan, 200, 50), 5, kT0));
    ASSERT_TRUE(index.upsert_position(2, geo::destination(kDongguan, 100, 150), 5, kT0));
    std::vector<Match> out;
    index.nearest(circle(kDongguan, 1000), {}, 4, kT0, out);
    std::vector<VolunteerId> ids;
    for (const Match& m : out) ids.push_back(m.id);
    EXPECT_EQ(ids, (std::vector<VolunteerId>{1, 10, 11, 12}));
    EXPECT_NEAR(out[0].distance_m, 50, 1e-3);
    EXPECT_NEAR(out[1].distance_m, 100, 1e-3);
    index.nearest(circle(kDongguan, 1000), {}, 100, kT0, out);
    EXPECT_EQ(out.size(), 8u);
    EXPECT_EQ(out.back().id, 3u);
    index.nearest(circle(kDongguan, 1000), {}, 0, kT0, out);
    EXPECT_TRUE(out.empty());
}

TEST(VolunteerIndex, RadiusZeroMatchesOnlyTheExactPoint) {
    VolunteerIndex index;
    ASSERT_TRUE(index.upsert_position(1, kDongguan, 0, kT0));
    ASSERT_TRUE(index.upsert_position(2, geo::destination(kDongguan, 0, 0.01), 0, kT0));
    std::vector<Match> out;
    index.within(circle(kDongguan, 0), {}, kT0, out);
    EXPECT_EQ(ids_of(out), (std::vector<VolunteerId>{1}));
    EXPECT_EQ(out[0].distance_m, 0.0);
}

TEST(VolunteerIndex, RejectsInvalidPositionsWithTypedErrorsAndKeepsState) {
    VolunteerIndex index;
    ASSERT_TRUE(index.upsert_position(1, kDongguan, 5, kT0));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    struct Case {
        LatLng p;
        double accuracy;
        ErrorCode code;
    } cases[] = {
        {{nan, 113}, 5, ErrorCode::kNotFinite},          {{23, inf}, 5, ErrorCode::kNotFinite},
        {{-inf, 0}, 5, ErrorCode::kNotFinite},           {{90.0001, 0}, 5, ErrorCode::kLatitudeOutOfRange},
        {{-91, 0}, 5, ErrorCode::kLatitudeOutOfRange},   {{0, 180.5}, 5, ErrorCode::kLongitudeOutOfRange},
        {{0, -181}, 5, ErrorCode::kLongitudeOutOfRange}, {{23, 113}, -1, ErrorCode::kInvalidAccuracy},
        {{23, 113}, nan, ErrorCode::kNotFinite},
    };
    for (const Case& c : cases) {
        auto r = index.upsert_position(1, c.p, c.accuracy, kT0 + 1s);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, c.code) << to_string(c.code);
        EXPECT_FALSE(r.error().message.empty());
    }
    EXPECT_EQ(index.position(1)->position, kDongguan) << "a rejected update changes nothing";
    EXPECT_EQ(index.position(1)->at, kT0);
    EXPECT_FALSE(index.upsert_position(1u << 30, kDongguan, 5, kT0)) << "absurd volunteer number";
    // The extremes themselves are valid.
    EXPECT_TRUE(index.upsert_position(2, {90, 180}, 0, kT0));
    EXPECT_TRUE(index.upsert_position(3, {-90, -180}, 0, kT0));
}

TEST(Circle, RejectsBadRadiiAndCentres) {
    EXPECT_EQ(Circle::make(kDongguan, -1).error().code, ErrorCode::kNegativeRadius);
    EXPECT_EQ(Circle::make(kDongguan, std::nan("")).error().code, ErrorCode::kNotFinite);
    EXPECT_EQ(Circle::make(kDongguan, INFINITY).error().code, ErrorCode::kNotFinite);
    EXPECT_EQ(Circle::make(kDongguan, geo::kMaxRadiusM + 1).error().code, ErrorCode::kRadiusTooLarge);
    EXPECT_EQ(Circle::make({95, 0}, 10).error().code, ErrorCode::kLatitudeOutOfRange);
    EXPECT_TRUE(Circle::make(kDongguan, 0));
    EXPECT_TRUE(Circle::make(kDongguan, geo::kMaxRadiusM));
}

TEST(VolunteerIndex, CircleAroundAPoleReachesEveryLongitude) {
    VolunteerIndex index;
    VolunteerId id = 0;
    for (double lon = -180; lon < 180; lon += 15) ASSERT_TRUE(index.upsert_position(id++, {89.5, lon}, 0, kT0));
    ASSERT_TRUE(index.upsert_position(id++, {90, 0}, 0, kT0));
    ASSERT_TRUE(index.upsert_position(id++, {88, 0}, 0, kT0));  // ~222 km from the pole: outside
    std::vector<Match> out;
    index.within(circle({90, 0}, 60'000), {}, kT0, out);
    EXPECT_EQ(out.size(), 25u);
    index.within(circle({89.9, 100}, 80'000), {}, kT0, out);
    EXPECT_EQ(out.size(), 25u) << "a cap whose box reaches the pole spans all longitudes";
    index.within(circle({-90, 0}, 1000), {}, kT0, out);
    EXPECT_TRUE(out.empty());
}

TEST(VolunteerIndex, CircleAcrossTheAntimeridian) {
    VolunteerIndex index;
    ASSERT_TRUE(index.upsert_position(1, {-16.5, 179.999}, 0, kT0));  // Fiji, both sides of 180
    ASSERT_TRUE(index.upsert_position(2, {-16.5, -179.999}, 0, kT0));
    ASSERT_TRUE(index.upsert_position(3, {-16.5, 180.0}, 0, kT0));
    ASSERT_TRUE(index.upsert_position(4, {-16.5, 179.5}, 0, kT0));  // ~53 km away
    std::vector<Match> out;
    index.within(circle({-16.5, -180.0}, 1000), {}, kT0, out);
    EXPECT_EQ(ids_of(out), (std::vector<VolunteerId>{1, 2, 3}));
    index.within(circle({-16.5, 179.9995}, 500), {}, kT0, out);
    EXPECT_EQ(ids_of(out), (std::vector<VolunteerId>{1, 2, 3}));
    index.nearest(circle({-16.5, -179.9}, 100'000), {}, 10, kT0, out);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out.back().id, 4u);
}

TEST(VolunteerIndex, FiveHundredKilometreRing) {
    VolunteerIndex index;
    VolunteerId id = 0;
    for (double d = 0; d <= 600'000; d += 50'000) {
        for (double bearing : {0.0, 90.0, 200.0}) {
            ASSERT_TRUE(index.upsert_position(id++, geo::destination(kDongguan, bearing, d), 0, kT0));
        }
    }
    std::vector<Match> out;
    index.within(circle(kDongguan, 525'000), {}, kT0, out);
    EXPECT_EQ(out.size(), 33u);  // 11 distances 0..500 km, 3 bearings each
    for (const Match& m : out) EXPECT_LE(m.distance_m, 500'000 + 1e-6);
}

}  // namespace
}  // namespace yihu::core

namespace yihu::core::geo {
namespace {

TEST(Sphere, ChordDistanceSeriesAgreesWithAsinAcrossItsRange) {
    for (double d = 0.001; d < 3'000'000; d *= 1.07) {
        const double c2 = chord2_of_distance(d);
        const double exact = 2.0 * kEarthRadiusM * std::asin(std::sqrt(c2) * 0.5);
        EXPECT_NEAR(distance_of_chord2(c2), exact, 1e-9 * std::max(1.0, exact)) << d;
        EXPECT_NEAR(distance_of_chord2(c2), d, 1e-6 * std::max(1.0, d)) << d;
    }
    EXPECT_EQ(distance_of_chord2(0), 0);
    EXPECT_NEAR(distance_of_chord2(4), kMaxSurfaceDistanceM, 1e-6);
}

}  // namespace
}  // namespace yihu::core::geo
