#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/geo/area.h"
#include "dataset.h"
#include "move_generator.h"

namespace yihu::bench {

// How many inputs of each kind to draw: enough for the largest op count any contender runs.
struct WorkloadSizes {
    std::size_t knn = 0;
    std::size_t circle = 0;
    std::size_t polygon = 0;
    std::size_t moves = 0;        // per update measure (warm-up + timed one at a time + timed loop)
    std::size_t check_moves = 0;  // for the roam cross-check
    std::size_t alerts = 1000;
};

// Every input of every operation, drawn before anything is timed, so no random number is drawn in a timed region
// and every contender sees the same inputs. Move batches are drawn in the order they are applied:
// check_moves, near_moves, far_moves, roam_moves.
struct Workload {
    std::uint64_t seed = 0;
    std::vector<core::geo::Circle> knn_circles;  // 1 km, centred on the volunteers' own distribution
    std::vector<core::geo::Circle> big_circles;  // 5 km, likewise
    std::vector<core::geo::Polygon> polygons;    // ~2 x 3 km, placed uniformly
    std::vector<core::geo::Area> alerts;
    std::vector<MoveInput> check_moves;  // half near, half far, so that some alerts are entered
    std::vector<MoveInput> near_moves;
    std::vector<MoveInput> far_moves;
    std::vector<MoveInput> roam_moves;  // near moves
};

Workload make_workload(const Dataset& data, const WorkloadSizes& sizes, std::uint64_t seed);

}  // namespace yihu::bench
