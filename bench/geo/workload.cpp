#include "workload.h"

#include "alert_mix.h"
#include "bench_constants.h"
#include "random_shapes.h"

namespace yihu::bench {

namespace {

constexpr double kQueryJitterM = 100.0;
constexpr double kPolygonHalfWidthM = 1000.0;
constexpr double kPolygonHalfHeightM = 1500.0;

// Query centres follow the volunteers: a random volunteer's position, moved by up to 100 m so that no query is
// centred exactly on a point.
std::vector<core::geo::Circle> circles_among(const Dataset& data, std::size_t count, double radius_m, Rng& rng) {
    std::uniform_int_distribution<std::size_t> who(0, data.volunteers.size() - 1);
    std::vector<core::geo::Circle> circles;
    circles.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const core::geo::LatLng c = point_near(data.volunteers[who(rng)].position, kQueryJitterM, rng);
        circles.push_back(core::geo::Circle::make(c, radius_m).value());
    }
    return circles;
}

}  // namespace

Workload make_workload(const Dataset& data, const WorkloadSizes& sizes, std::uint64_t seed) {
    Workload w;
    w.seed = seed;
    Rng rng(seed);
    w.knn_circles = circles_among(data, sizes.knn, kKnnRadiusM, rng);
    w.big_circles = circles_among(data, sizes.circle, kCircleRadiusM, rng);
    w.polygons.reserve(sizes.polygon);
    for (std::size_t i = 0; i < sizes.polygon; ++i) {
        w.polygons.push_back(random_polygon(kDongguan.uniform_point(rng), kPolygonHalfWidthM, kPolygonHalfHeightM,
                                            kPolygonVertices, rng));
    }
    w.alerts = make_alert_mix(sizes.alerts, kDongguan, rng);

    MoveGenerator moves(data, rng);
    for (std::size_t i = 0; i < sizes.check_moves; ++i) {
        const auto batch = i % 2 == 0 ? moves.near(1, kNearMoveMaxM) : moves.far(1, kFarMoveMinM, kFarMoveMaxM);
        w.check_moves.push_back(batch.front());
    }
    w.near_moves = moves.near(sizes.moves, kNearMoveMaxM);
    w.far_moves = moves.far(sizes.moves, kFarMoveMinM, kFarMoveMaxM);
    w.roam_moves = moves.near(sizes.moves, kNearMoveMaxM);
    return w;
}

}  // namespace yihu::bench
