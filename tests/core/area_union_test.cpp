// Areas made of several shapes (AreaUnion): construction rules, bounds across the antimeridian, and a randomized
// comparison of containment and of the index's union queries with a brute-force oracle (any part by haversine or a
// plain even-odd scan). The seed is printed; replay a failure with YIHU_TEST_SEED=<seed>.

#include <gtest/gtest.h>

#include <random>

#include "core/geo/area.h"
#include "core/index/alert_area_index.h"
#include "core/index/volunteer_index.h"
#include "support/geo_oracle.h"
#include "support/match_compare.h"
#include "support/test_seed.h"

namespace yihu::core::geo {
namespace {

Polygon square(double lat0, double lon0, double lat1, double lon1) {
    return Polygon::make({{lat0, lon0}, {lat0, lon1}, {lat1, lon1}, {lat1, lon0}, {lat0, lon0}}).value();
}

TEST(AreaUnion, OneShapeStaysItsOwnKindSoTheFastPathsSeeIt) {
    const Area c = Area::make({Circle::make({22.9, 113.9}, 1000).value()}, {}).value();
    ASSERT_NE(c.circle(), nullptr);
    EXPECT_EQ(c.shapes(), nullptr);
    const Area p = Area::make({}, {square(22.9, 113.7, 23.0, 113.8)}).value();
    ASSERT_NE(p.polygon(), nullptr);
    EXPECT_EQ(p.shapes(), nullptr);
    EXPECT_EQ(Area::make({}, {}).error().code, ErrorCode::kInvalidArgument);
}

TEST(AreaUnion, ContainsAPointOfAnyPartAndNothingElse) {
    const Area a = Area::make({Circle::make({22.9, 113.9}, 1000).value()},
                              {square(23.0, 113.0, 23.1, 113.1), square(30.0, 120.0, 30.1, 120.1)})
                       .value();
    ASSERT_NE(a.shapes(), nullptr);
    EXPECT_EQ(a.shapes()->part_count(), 3u);
    EXPECT_TRUE(a.contains({22.9, 113.9}));
    EXPECT_TRUE(a.contains({23.05, 113.05}));
    EXPECT_TRUE(a.contains({30.05, 120.05}));
    EXPECT_FALSE(a.contains({25.0, 116.0}));  // inside the common box, outside every part
    EXPECT_DOUBLE_EQ(a.bounds().lat_hi, 30.1);
    EXPECT_DOUBLE_EQ(a.bounds().lon_hi, 120.1);
    EXPECT_LT(a.bounds().lat_lo, 22.9);
}

TEST(AreaUnion, RejectsTooManyPartsAndTooManyVertices) {
    std::vector<Circle> many(kMaxAreaParts + 1, Circle::make({10, 10}, 100).value());
    EXPECT_EQ(AreaUnion::make(many, {}).error().code, ErrorCode::kInvalidArgument);
    std::vector<LatLng> ring;
    for (int i = 0; i < 120'000; ++i)
        ring.push_back({10.0 * std::sin(i * 2e-5 * 3.14159), 10.0 * std::cos(i * 2e-5 * 3.14159)});
    ring.push_back(ring.front());
    Polygon big = Polygon::make(ring).value();
    EXPECT_EQ(AreaUnion::make({}, {big, big}).error().code, ErrorCode::kTooManyVertices);
}

TEST(AreaUnion, BoundsTakeTheShorterWayAcrossTheAntimeridian) {
    const LatLngBox box = union_bounds({LatLngBox{-20, -15, 170, 175}, LatLngBox{-18, -10, -175, -170}});
    EXPECT_TRUE(box.crosses_antimeridian());
    EXPECT_DOUBLE_EQ(box.lon_lo, 170);
    EXPECT_DOUBLE_EQ(box.lon_hi, -170);
    EXPECT_DOUBLE_EQ(box.lat_lo, -20);
    EXPECT_DOUBLE_EQ(box.lat_hi, -10);
    // Three boxes round the globe: the widest gap (between 60 and 170) is left out.
    const LatLngBox wide =
        union_bounds({LatLngBox{0, 1, 170, -170}, LatLngBox{0, 1, -100, -50}, LatLngBox{0, 1, 0, 60}});
    EXPECT_DOUBLE_EQ(wide.lon_lo, 170);
    EXPECT_DOUBLE_EQ(wide.lon_hi, 60);
    EXPECT_TRUE(union_bounds({LatLngBox{0, 1, -180, 180}, LatLngBox{0, 1, 0, 1}}).full_longitude());
    const Area a =
        Area::make({Circle::make({-16, 179.5}, 20'000).value(), Circle::make({-16, -179.5}, 20'000).value()}, {})
            .value();
    EXPECT_TRUE(a.bounds().crosses_antimeridian());
    EXPECT_LT(a.bounds().lon_span(), 2.0);
    EXPECT_NEAR(std::abs(a.reference_point().lon), 180.0, 1e-9);
}

// Random unions over a region, checked against the oracle point by point and through the volunteer index.
struct Region {
    const char* name;
    double lat_lo, lat_hi, lon_lo, lon_hi;  // lon_lo > lon_hi: crosses the antimeridian
};

class UnionScenario {
  public:
    UnionScenario(std::uint64_t seed, Region region) : rng_(seed), region_(region) {}

    LatLng random_point() {
        std::uniform_real_distribution<double> lat(region_.lat_lo, region_.lat_hi);
        const double span = region_.lon_lo <= region_.lon_hi ? region_.lon_hi - region_.lon_lo
                                                             : 360.0 - (region_.lon_lo - region_.lon_hi);
        std::uniform_real_distribution<double> lon(0, span);
        return {lat(rng_), normalize_lon(region_.lon_lo + lon(rng_))};
    }

    std::vector<LatLng> random_ring(LatLng around) {
        std::uniform_int_distribution<int> vertices(3, 24);
        std::uniform_real_distribution<double> radius(500, 30'000);
        const int n = vertices(rng_);
        std::vector<double> bearings;
        for (int i = 0; i < n; ++i) bearings.push_back(std::uniform_real_distribution<double>(0, 360)(rng_));
        std::sort(bearings.begin(), bearings.end());
        std::vector<LatLng> ring;
        for (double b : bearings) ring.push_back(destination(around, b, radius(rng_)));
        ring.push_back(ring.front());
        return ring;
    }

    // 2-6 parts; the oracle keeps their raw description.
    struct Drawn {
        Area area;
        std::vector<std::pair<LatLng, double>> circles;
        std::vector<std::vector<LatLng>> rings;
    };
    std::optional<Drawn> random_union() {
        std::uniform_int_distribution<int> parts(2, 6);
        std::uniform_real_distribution<double> radius(200, 25'000);
        std::vector<Circle> circles;
        std::vector<Polygon> polygons;
        Drawn d{Circle::make({0, 0}, 0).value(), {}, {}};
        const int n = parts(rng_);
        for (int i = 0; i < n; ++i) {
            if (rng_() % 2 == 0) {
                const LatLng c = random_point();
                const double r = radius(rng_);
                circles.push_back(Circle::make(c, r).value());
                d.circles.emplace_back(c, r);
            } else {
                auto ring = random_ring(random_point());
                auto p = Polygon::make(ring);
                if (!p) return std::nullopt;
                polygons.push_back(std::move(*p));
                d.rings.push_back(std::move(ring));
            }
        }
        auto area = Area::make(std::move(circles), std::move(polygons));
        if (!area) return std::nullopt;
        d.area = std::move(*area);
        return d;
    }

    static bool oracle_contains(const Drawn& d, LatLng p) {
        for (const auto& [c, r] : d.circles) {
            if (haversine_m(c, p) <= r) return true;
        }
        for (const auto& ring : d.rings) {
            if (testing::oracle_polygon_contains(ring, p)) return true;
        }
        return false;
    }

    static bool box_holds(const LatLngBox& b, LatLng p) {
        if (p.lat < b.lat_lo || p.lat > b.lat_hi) return false;
        if (b.full_longitude()) return true;
        if (b.crosses_antimeridian()) return p.lon >= b.lon_lo || p.lon <= b.lon_hi;
        return p.lon >= b.lon_lo && p.lon <= b.lon_hi;
    }

    std::mt19937_64 rng_;
    Region region_;
};

constexpr Region kCity{"dongguan", 22.65, 23.10, 113.55, 114.25};
constexpr Region kPacific{"antimeridian", -20.0, -14.0, 178.5, -178.5};

class AreaUnionOracle : public ::testing::TestWithParam<Region> {};

TEST_P(AreaUnionOracle, ContainmentAndBoundsMatchTheOracle) {
    UnionScenario s(testing::test_seed("AreaUnionOracle.Containment"), GetParam());
    std::size_t inside = 0;
    for (int u = 0; u < 200; ++u) {
        const auto d = s.random_union();
        if (!d) continue;  // a random ring may be degenerate; covered by polygon_test
        for (int i = 0; i < 500; ++i) {
            const LatLng p = s.random_point();
            const bool expected = UnionScenario::oracle_contains(*d, p);
            ASSERT_EQ(d->area.contains(p), expected) << "union #" << u << " point " << p.lat << "," << p.lon;
            if (expected) {
                ++inside;
                ASSERT_TRUE(UnionScenario::box_holds(d->area.bounds(), p)) << "bounds miss an inside point";
                std::size_t owners = 0;
                for (std::size_t part = 0; part < d->area.shapes()->part_count(); ++part)
                    owners += d->area.shapes()->owns(part, to_unit(p), p);
                ASSERT_EQ(owners, 1u);
            }
        }
    }
    // The comparison met the inside often enough to mean something. The antimeridian region's unions cover about 1%
    // of its box, so about 1,000 of the 100,000 points fall inside, varying with the seed: the floor sits well below.
    EXPECT_GT(inside, 300u) << "only " << inside << " points inside a union";
}

TEST_P(AreaUnionOracle, IndexQueriesMatchTheOracle) {
    UnionScenario s(testing::test_seed("AreaUnionOracle.Index"), GetParam());
    constexpr std::int64_t kNowMs = 1'700'000'000'000;
    constexpr std::int64_t kMaxAgeMs = 10 * 60 * 1000;
    VolunteerIndex index;
    std::vector<testing::OracleVolunteer> volunteers;
    for (VolunteerId id = 0; id < 20'000; ++id) {
        testing::OracleVolunteer v{id, s.random_point(), {}, kNowMs};
        v.profile.availability = Availability::kOnDuty;
        v.profile.skills = (id % 7 == 0) ? SkillSet{1} : SkillSet{0};
        index.set_profile(id, v.profile);
        ASSERT_TRUE(index.upsert_position(id, v.position, 5, time_from_ms(kNowMs)));
        volunteers.push_back(v);
    }
    std::vector<Match> out;
    std::size_t matched = 0;
    for (int q = 0; q < 60; ++q) {
        const auto d = s.random_union();
        if (!d) continue;
        VolunteerFilter filter;
        if (q % 3 == 0) filter.skills_any = SkillSet{1};
        const std::optional<std::size_t> k = q % 2 ? std::optional<std::size_t>(1 + s.rng_() % 50) : std::nullopt;
        const LatLng ref =
            q % 4 < 2 ? d->area.reference_point() : s.random_point();  // an alert's centre may lie anywhere
        index.query(d->area, ref, filter, k, time_from_ms(kNowMs), out);
        std::vector<Match> expected;
        for (const auto& v : volunteers) {
            if (!filter.admits(v.profile) || !UnionScenario::oracle_contains(*d, v.position)) continue;
            expected.push_back({v.id, haversine_m(ref, v.position)});
        }
        std::sort(expected.begin(), expected.end(), [](const Match& a, const Match& b) {
            return a.distance_m < b.distance_m || (a.distance_m == b.distance_m && a.id < b.id);
        });
        if (k && expected.size() > *k) expected.resize(*k);
        ASSERT_TRUE(testing::matches_equal(out, expected, k.has_value(), "union query #" + std::to_string(q)));
        matched += expected.size();
    }
    EXPECT_GT(matched, 100u);
    (void)kMaxAgeMs;
}

INSTANTIATE_TEST_SUITE_P(Regions, AreaUnionOracle, ::testing::Values(kCity, kPacific), [](const auto& info) {
    return std::string(info.param.name == kCity.name ? "city" : "antimeridian");
});

TEST(AreaUnion, AlertAreaIndexFindsAUnionFromEveryPart) {
    AlertAreaIndex index;
    const Area a = Area::make({Circle::make({22.9, 113.9}, 1000).value()}, {square(23.5, 114.5, 23.6, 114.6)}).value();
    index.upsert(7, a, {});
    auto covering = [&](LatLng p) {
        std::vector<AlertKey> out;
        index.containing(to_unit(p), p, VolunteerProfile{}, out);
        return out;
    };
    EXPECT_EQ(covering({22.9, 113.9}), std::vector<AlertKey>{7});
    EXPECT_EQ(covering({23.55, 114.55}), std::vector<AlertKey>{7});
    EXPECT_TRUE(covering({23.2, 114.2}).empty());
}

}  // namespace
}  // namespace yihu::core::geo
