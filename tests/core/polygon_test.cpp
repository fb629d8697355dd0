#include "core/geo/polygon.h"

#include <gtest/gtest.h>

#include <random>

#include "support/cap_sample.h"
#include "support/geo_oracle.h"
#include "support/test_seed.h"

namespace yihu::core::geo {
namespace {

Polygon square(double lat0, double lon0, double lat1, double lon1) {
    return Polygon::make({{lat0, lon0}, {lat0, lon1}, {lat1, lon1}, {lat1, lon0}, {lat0, lon0}}).value();
}

TEST(Polygon, ContainsBySimpleSquare) {
    const Polygon p = square(22.9, 113.7, 23.0, 113.8);
    EXPECT_TRUE(p.contains({22.95, 113.75}));
    EXPECT_FALSE(p.contains({23.05, 113.75}));
    EXPECT_FALSE(p.contains({22.95, 113.85}));
    EXPECT_EQ(p.vertex_count(), 4u);
    EXPECT_DOUBLE_EQ(p.bounds().lat_lo, 22.9);
    EXPECT_DOUBLE_EQ(p.bounds().lon_hi, 113.8);
}

TEST(Polygon, ConcaveRing) {
    // A "U": the notch between the arms is outside.
    const Polygon u = Polygon::make({{0, 0}, {0, 3}, {3, 3}, {3, 2}, {1, 2}, {1, 1}, {3, 1}, {3, 0}, {0, 0}}).value();
    EXPECT_TRUE(u.contains({0.5, 1.5}));
    EXPECT_TRUE(u.contains({2, 0.5}));
    EXPECT_TRUE(u.contains({2, 2.5}));
    EXPECT_FALSE(u.contains({2, 1.5}));
}

TEST(Polygon, RejectsInvalidRingsWithTypedErrors) {
    EXPECT_EQ(Polygon::make({}).error().code, ErrorCode::kTooFewVertices);
    EXPECT_EQ(Polygon::make({{0, 0}, {0, 1}, {1, 1}}).error().code, ErrorCode::kRingNotClosed);
    EXPECT_TRUE(Polygon::make({{0, 0}, {0, 1}, {1, 1}}, /*require_closed=*/false));
    EXPECT_EQ(Polygon::make({{0, 0}, {0, 1}, {0, 0}}).error().code, ErrorCode::kTooFewVertices);
    EXPECT_EQ(Polygon::make({{0, 0}, {0, 0}, {0, 0}, {0, 0}}).error().code, ErrorCode::kTooFewVertices);
    EXPECT_EQ(Polygon::make({{0, 0}, {1, 1}, {2, 2}, {0, 0}}).error().code, ErrorCode::kDegeneratePolygon);
    EXPECT_EQ(Polygon::make({{0, 0}, {91, 1}, {1, 1}, {0, 0}}).error().code, ErrorCode::kLatitudeOutOfRange);
    EXPECT_EQ(Polygon::make({{0, 0}, {std::nan(""), 1}, {1, 1}, {0, 0}}).error().code, ErrorCode::kNotFinite);
    // Winds once around the north pole.
    EXPECT_EQ(Polygon::make({{80, 0}, {80, 90}, {80, 180}, {80, -90}, {80, 0}}).error().code,
              ErrorCode::kPolygonEnclosesPole);
    // An edge exactly half the globe wide has no shorter way round.
    EXPECT_EQ(Polygon::make({{0, -90}, {0, 90}, {10, 90}, {0, -90}}).error().code, ErrorCode::kPolygonTooWide);
    // A ring of identical vertices is rejected in linear time, not after a quadratic search.
    std::vector<LatLng> many(150'000, LatLng{1, 1});
    EXPECT_EQ(Polygon::make(many).error().code, ErrorCode::kTooFewVertices);
    std::vector<LatLng> huge(kMaxPolygonVertices + 2, LatLng{1, 1});
    EXPECT_EQ(Polygon::make(huge).error().code, ErrorCode::kTooManyVertices);
}

TEST(Polygon, CrossesTheAntimeridian) {
    // A box from 179 E to 179 W around Fiji's longitudes.
    const Polygon p = Polygon::make({{-17, 179}, {-17, -179}, {-16, -179}, {-16, 179}, {-17, 179}}).value();
    EXPECT_TRUE(p.contains({-16.5, 179.5}));
    EXPECT_TRUE(p.contains({-16.5, -179.5}));
    EXPECT_TRUE(p.contains({-16.5, 180}));
    EXPECT_TRUE(p.contains({-16.5, -180}));
    EXPECT_FALSE(p.contains({-16.5, 178.5}));
    EXPECT_FALSE(p.contains({-16.5, -178.5}));
    EXPECT_FALSE(p.contains({-16.5, 0}));
    EXPECT_TRUE(p.bounds().crosses_antimeridian());
    EXPECT_DOUBLE_EQ(p.bounds().lon_lo, 179);
    EXPECT_DOUBLE_EQ(p.bounds().lon_hi, -179);
}

TEST(Polygon, RealCapPolygonWithFortyThousandVerticesMatchesPlainScan) {
    const std::vector<LatLng> ring = testing::read_cap_polygon(testing::test_data("cap/sample-met-alert.xml"));
    ASSERT_GT(ring.size(), 40'000u);
    const Polygon p = Polygon::make(ring).value();
    const std::uint64_t seed = testing::test_seed("Polygon/RealCap");
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> lat(p.bounds().lat_lo - 0.2, p.bounds().lat_hi + 0.2);
    std::uniform_real_distribution<double> lon(p.bounds().lon_lo - 0.2, p.bounds().lon_hi + 0.2);
    int inside = 0;
    for (int i = 0; i < 2'000; ++i) {
        const LatLng q{lat(rng), lon(rng)};
        const bool expected = testing::oracle_polygon_contains(ring, q);
        ASSERT_EQ(p.contains(q), expected) << "at (" << q.lat << ", " << q.lon << ")";
        inside += expected;
    }
    EXPECT_GT(inside, 500) << "most of the bounding box is Burkina Faso";
    EXPECT_TRUE(p.contains({12.37, -1.52}));  // Ouagadougou
    EXPECT_FALSE(p.contains({5.35, -4.0}));   // Abidjan, Côte d'Ivoire
}

}  // namespace
}  // namespace yihu::core::geo
