#include "core/index/alert_area_index.h"

#include <gtest/gtest.h>

#include <random>

#include "core/index/matcher.h"
#include "support/test_seed.h"

namespace yihu::core {
namespace {

using geo::Circle;
using geo::LatLng;
using geo::Polygon;
using namespace std::chrono_literals;

const LatLng kLake{22.97, 113.90};
const Time kT0 = time_from_ms(1'700'000'000'000);

geo::Area circle_area(LatLng c, double r) {
    return Circle::make(c, r).value();
}

std::vector<AlertKey> containing(const AlertAreaIndex& index, LatLng p, const VolunteerProfile& profile = {}) {
    std::vector<AlertKey> out;
    index.containing(geo::to_unit(p), p, profile, out);
    std::sort(out.begin(), out.end());
    return out;
}

TEST(AlertAreaIndex, FindsAlertsCoveringAPointAndForgetsErasedOnes) {
    AlertAreaIndex index;
    index.upsert(1, circle_area(kLake, 1500), {});
    index.upsert(2, circle_area(geo::destination(kLake, 90, 1000), 1500), {});  // covers the lake too
    index.upsert(3, circle_area(kLake, 300'000), {});                           // a missing-child ring
    EXPECT_EQ(containing(index, kLake), (std::vector<AlertKey>{1, 2, 3}));
    EXPECT_EQ(containing(index, geo::destination(kLake, 270, 1000)), (std::vector<AlertKey>{1, 3}));
    EXPECT_EQ(containing(index, geo::destination(kLake, 0, 100'000)), (std::vector<AlertKey>{3}));
    index.erase(1);
    index.erase(1);  // twice is harmless
    EXPECT_EQ(containing(index, kLake), (std::vector<AlertKey>{2, 3}));
    EXPECT_EQ(index.size(), 2u);
    // Replacing an area moves the alert.
    index.upsert(2, circle_area(geo::destination(kLake, 0, 50'000), 1000), {});
    EXPECT_EQ(containing(index, kLake), (std::vector<AlertKey>{3}));
    EXPECT_EQ(index.size(), 2u);
}

TEST(AlertAreaIndex, AppliesTheAlertsFilterToTheVolunteer) {
    AlertAreaIndex index;
    index.upsert(1, circle_area(kLake, 1500), VolunteerFilter{.skills_any = 1});
    index.upsert(2, circle_area(kLake, 1500), VolunteerFilter{.min_tier = Tier::kVetted});
    index.upsert(3, circle_area(kLake, 1500), {});
    EXPECT_EQ(containing(index, kLake, {.skills = 1}), (std::vector<AlertKey>{1, 3}));
    EXPECT_EQ(containing(index, kLake, {.tier = Tier::kVetted}), (std::vector<AlertKey>{2, 3}));
    EXPECT_EQ(containing(index, kLake, {.availability = Availability::kOffDuty}), (std::vector<AlertKey>{}));
    index.upsert(4, circle_area(kLake, 1500), VolunteerFilter{.team = 5});
    EXPECT_EQ(containing(index, kLake, {.teams = {2, 5}}), (std::vector<AlertKey>{3, 4}));
    EXPECT_EQ(containing(index, kLake, {.teams = {2}}), (std::vector<AlertKey>{3}));
}

TEST(AlertAreaIndex, HugeAndPolarAreasStillFound) {
    AlertAreaIndex index;
    index.upsert(1, circle_area({0, 0}, geo::kMaxRadiusM), {});
    index.upsert(2, circle_area({89.9, 0}, 50'000), {});  // reaches the pole: every longitude
    index.upsert(3, Polygon::make({{-17, 179}, {-17, -179}, {-16, -179}, {-16, 179}, {-17, 179}}).value(), {});
    EXPECT_EQ(containing(index, {10, 10}), (std::vector<AlertKey>{1}));
    EXPECT_EQ(containing(index, {89.95, -120}), (std::vector<AlertKey>{2}));
    EXPECT_EQ(containing(index, {-16.5, -179.5}), (std::vector<AlertKey>{3}));
    EXPECT_EQ(containing(index, {-16.5, 179.5}), (std::vector<AlertKey>{3}));
}

TEST(Matcher, VolunteerWalkingIntoAnActiveAreaEntersItOnce) {
    Matcher matcher;
    matcher.alert_areas().upsert(7, circle_area(kLake, 1000), {});
    std::vector<AlertKey> entered;
    const LatLng outside = geo::destination(kLake, 0, 1500);
    ASSERT_TRUE(matcher.update_position(1, outside, 5, kT0, entered));
    EXPECT_TRUE(entered.empty());
    ASSERT_TRUE(matcher.update_position(1, geo::destination(kLake, 0, 900), 5, kT0 + 30s, entered));
    EXPECT_EQ(entered, (std::vector<AlertKey>{7}));
    ASSERT_TRUE(matcher.update_position(1, geo::destination(kLake, 0, 800), 5, kT0 + 60s, entered));
    EXPECT_TRUE(entered.empty()) << "already inside";
    // A first position inside counts as entering; so does one after the last position went stale.
    ASSERT_TRUE(matcher.update_position(2, kLake, 5, kT0, entered));
    EXPECT_EQ(entered, (std::vector<AlertKey>{7}));
    ASSERT_TRUE(matcher.update_position(2, kLake, 5, kT0 + 11min, entered));
    EXPECT_EQ(entered, (std::vector<AlertKey>{7}));
    // Invalid input changes nothing and reports the error.
    const Status bad = matcher.update_position(1, {95, 0}, 5, kT0, entered);
    EXPECT_EQ(bad.error().code, ErrorCode::kLatitudeOutOfRange);
    std::vector<AlertKey> covering;
    matcher.alerts_covering(1, kT0 + 60s, covering);
    EXPECT_EQ(covering, (std::vector<AlertKey>{7}));
    matcher.alerts_covering(1, kT0 + 20min, covering);
    EXPECT_TRUE(covering.empty()) << "stale position covers nothing";
}

// Randomized: the pyramid index returns exactly what a scan of every alert returns, over alerts from 50 m to 500 km,
// circles and polygons, near the antimeridian and a pole as well as in a city.
TEST(AlertAreaIndex, MatchesScanOfEveryAlertOnRandomData) {
    const std::uint64_t seed = testing::test_seed("AlertAreaIndex/Random");
    std::mt19937_64 rng(seed);
    struct Region {
        double lat_lo, lat_hi, lon_lo, lon_span;
    };
    for (const Region region :
         {Region{22.65, 23.10, 113.55, 0.7}, Region{-20, -14, 178.5, 3.0}, Region{87.0, 90.0, -180, 360}}) {
        auto point = [&] {
            return LatLng{
                std::uniform_real_distribution<double>(region.lat_lo, region.lat_hi)(rng),
                geo::normalize_lon(region.lon_lo + std::uniform_real_distribution<double>(0, region.lon_span)(rng))};
        };
        AlertAreaIndex index;
        std::vector<std::optional<std::pair<geo::Area, VolunteerFilter>>> alerts(1000);
        for (AlertKey key = 0; key < alerts.size(); ++key) {
            const LatLng c = point();
            const double r = std::exp(std::uniform_real_distribution<double>(std::log(50.0), std::log(500'000.0))(rng));
            VolunteerFilter f;
            if (rng() % 4 == 0) f.skills_any = 1;
            if (rng() % 3 == 0) {
                std::vector<LatLng> ring;
                for (int v = 0; v < 12; ++v)
                    ring.push_back(geo::destination(c, v * 30.0 + rng() % 20, r * (0.5 + (rng() % 50) / 100.0)));
                ring.push_back(ring.front());
                auto poly = Polygon::make(ring);
                if (!poly) continue;
                alerts[key].emplace(geo::Area(*poly), f);
            } else {
                alerts[key].emplace(circle_area(c, r), f);
            }
            index.upsert(key, alerts[key]->first, f);
        }
        // Churn: erase and re-add some.
        for (int i = 0; i < 300; ++i) {
            const AlertKey key = rng() % alerts.size();
            if (alerts[key] && rng() % 2) {
                index.erase(key);
                alerts[key].reset();
            } else {
                alerts[key].emplace(circle_area(point(), 1000 + rng() % 20'000), VolunteerFilter{});
                index.upsert(key, alerts[key]->first, alerts[key]->second);
            }
        }
        std::size_t found = 0;
        for (int q = 0; q < 3000; ++q) {
            const LatLng p = point();
            const VolunteerProfile profile{.skills = rng() % 2};
            std::vector<AlertKey> expected;
            for (AlertKey key = 0; key < alerts.size(); ++key) {
                if (alerts[key] && alerts[key]->second.admits(profile) && alerts[key]->first.contains(p)) {
                    expected.push_back(key);
                }
            }
            ASSERT_EQ(containing(index, p, profile), expected) << "at (" << p.lat << ", " << p.lon << ")";
            found += expected.size();
            // Walking in from a random earlier point: exactly the alerts containing p and not that point.
            const LatLng before = point();
            std::vector<AlertKey> walked_in;
            for (AlertKey key : expected) {
                if (!alerts[key]->first.contains(before)) walked_in.push_back(key);
            }
            std::vector<AlertKey> got;
            int origin_reads = 0;
            index.entered(
                geo::to_unit(p), p,
                [&] {
                    ++origin_reads;
                    return RoamOrigin{before, geo::to_unit(before), FilterSubject::of(profile)};
                },
                got);
            std::sort(got.begin(), got.end());
            ASSERT_EQ(got, walked_in) << "from (" << before.lat << ", " << before.lon << ")";
            // Where the volunteer was is read once, and only when some alert (whatever its filter) contains p.
            const bool any_contains =
                std::any_of(alerts.begin(), alerts.end(), [&](const auto& a) { return a && a->first.contains(p); });
            ASSERT_EQ(origin_reads, any_contains ? 1 : 0);
        }
        EXPECT_GT(found, 3000u) << "the areas must actually cover the queried points";
    }
}

}  // namespace
}  // namespace yihu::core
