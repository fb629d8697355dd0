// The phone's outline of a large area: a vertex budget, a subsequence of the ring, inside the ring's bounds.

#include "core/geo/outline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "support/test_seed.h"

namespace yihu::core::geo {
namespace {

// A star-shaped ring of `n` vertices around (lat, lon): radius in degrees jittered by `rng`, closed.
std::vector<LatLng> star_ring(std::mt19937_64& rng, std::size_t n, double lat, double lon, double radius) {
    std::uniform_real_distribution<double> jitter(0.3, 1.0);
    std::vector<LatLng> ring;
    ring.reserve(n + 1);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = 2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n);
        const double r = radius * jitter(rng);
        double x = lon + r * std::cos(t);
        if (x > 180.0) x -= 360.0;
        if (x < -180.0) x += 360.0;
        ring.push_back({lat + r * std::sin(t), x});
    }
    ring.push_back(ring.front());
    return ring;
}

// Within the box, give or take the rounding of Polygon's bounds across the antimeridian (x - 360 + 360).
bool inside(const LatLngBox& box, LatLng p) {
    constexpr double e = 1e-9;
    if (p.lat < box.lat_lo - e || p.lat > box.lat_hi + e) return false;
    if (!box.crosses_antimeridian()) return p.lon >= box.lon_lo - e && p.lon <= box.lon_hi + e;
    return p.lon >= box.lon_lo - e || p.lon <= box.lon_hi + e;
}

// Checks every promise of simplify_ring for one ring and budget.
void check_outline(const std::vector<LatLng>& ring, std::size_t budget) {
    auto original = Polygon::make(ring);
    ASSERT_TRUE(original.ok()) << original.error().message;
    const std::vector<LatLng> out = simplify_ring(ring, budget);
    ASSERT_GE(out.size(), 4u);
    EXPECT_EQ(out.front(), out.back());
    const std::size_t vertices = out.size() - 1;
    EXPECT_LE(vertices, std::max(budget, kMinOutlineVertices));
    if (ring.size() - 1 <= budget) {
        EXPECT_EQ(out, ring);
    }
    // A subsequence of the original vertices, in order, starting anywhere.
    std::size_t j = 0;
    for (std::size_t i = 0; i + 1 < ring.size() && j < vertices; ++i) {
        if (ring[i] == out[j]) ++j;
    }
    EXPECT_EQ(j, vertices) << "the outline is not a subsequence of the ring";
    const LatLngBox& box = original->bounds();
    for (const LatLng& p : out) {
        EXPECT_TRUE(inside(box, p)) << p.lat << "," << p.lon << " outside " << box.lat_lo << ".." << box.lat_hi << ", "
                                    << box.lon_lo << ".." << box.lon_hi;
    }
    auto made = Polygon::make(out);
    EXPECT_TRUE(made.ok()) << made.error().message;
}

TEST(Outline, SmallRingUnchanged) {
    const std::vector<LatLng> square{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}};
    EXPECT_EQ(simplify_ring(square, 4), square);
    EXPECT_EQ(simplify_ring(square, 100), square);
}

TEST(Outline, RemovesTheLeastSignificantVertexFirst) {
    // A square with a barely-bent midpoint on one edge: the budget of 4 drops the midpoint, not a corner.
    const std::vector<LatLng> ring{{0, 0}, {0, 0.5}, {0.001, 1}, {1, 1}, {1, 0}, {0, 0}};
    const std::vector<LatLng> out = simplify_ring(ring, 4);
    const std::vector<LatLng> want{{0, 0}, {0.001, 1}, {1, 1}, {1, 0}, {0, 0}};
    EXPECT_EQ(out, want);
}

TEST(Outline, BudgetBelowATriangleIsATriangle) {
    std::mt19937_64 rng(7);
    const auto ring = star_ring(rng, 50, 22.9, 113.9, 0.1);
    EXPECT_EQ(simplify_ring(ring, 0).size(), kMinOutlineVertices + 1);
}

TEST(Outline, SixtyThousandVerticesToOneThousand) {
    std::mt19937_64 rng(11);
    const auto ring = star_ring(rng, 60'000, 22.9, 113.9, 0.4);
    check_outline(ring, 1000);
    EXPECT_EQ(simplify_ring(ring, 1000).size(), 1001u);
}

TEST(Outline, AcrossTheAntimeridian) {
    std::mt19937_64 rng(13);
    const auto ring = star_ring(rng, 5'000, -16.5, 179.8, 0.6);
    check_outline(ring, 64);
}

// Random rings, sizes and budgets: every promise holds. Counts the cases it really checked.
TEST(Outline, RandomRingsKeepEveryPromise) {
    std::mt19937_64 rng(testing::test_seed("Outline.RandomRingsKeepEveryPromise"));
    std::uniform_int_distribution<std::size_t> size(3, 3000), budget(0, 400);
    std::uniform_real_distribution<double> lat(-60, 60), lon(-180, 180), radius(0.001, 2.0);
    int checked = 0;
    for (int i = 0; i < 300; ++i) {
        const auto ring = star_ring(rng, size(rng), lat(rng), lon(rng), radius(rng));
        check_outline(ring, budget(rng));
        if (HasFailure()) break;
        ++checked;
    }
    std::cout << "[ cases    ] " << checked << " rings checked\n";
    EXPECT_EQ(checked, 300);
}

TEST(Outline, UnionSplitsTheBudgetAndKeepsCircles) {
    std::mt19937_64 rng(17);
    std::vector<Polygon> polygons;
    for (int i = 0; i < 3; ++i) {
        auto p = Polygon::make(star_ring(rng, 2'000 * (i + 1), 22.0 + i, 113.0, 0.2));
        ASSERT_TRUE(p.ok());
        polygons.push_back(std::move(*p));
    }
    auto circle = Circle::make({23.5, 114.0}, 500);
    ASSERT_TRUE(circle.ok());
    auto area = Area::make({*circle}, polygons);
    ASSERT_TRUE(area.ok());
    EXPECT_EQ(vertex_count(*area), 12'000u);
    const Area small = simplified(*area, 600);
    ASSERT_NE(small.shapes(), nullptr);
    EXPECT_LE(vertex_count(small), 600u);
    EXPECT_EQ(small.shapes()->circles().size(), 1u);
    ASSERT_EQ(small.shapes()->polygons().size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_GE(small.shapes()->polygons()[i].bounds().lat_lo, polygons[i].bounds().lat_lo);
        EXPECT_LE(small.shapes()->polygons()[i].bounds().lat_hi, polygons[i].bounds().lat_hi);
    }
    // Within the budget: the same shapes.
    EXPECT_EQ(vertex_count(simplified(*area, 12'000)), 12'000u);
}

}  // namespace
}  // namespace yihu::core::geo
