#pragma once

#include <cstdint>
#include <vector>

#include "bench_constants.h"
#include "core/index/alert_area_index.h"
#include "core/index/volunteer_index.h"
#include "measure.h"
#include "workload.h"

namespace yihu::bench {

// Buffers the ops write into, reused so that no op allocates once they have grown, and a sum of result sizes that
// is handed to do_not_optimize so no op can be optimized away.
struct OpScratch {
    std::vector<core::Match> out;
    std::vector<core::AlertKey> entered;
    std::uint64_t sink = 0;
};

// Calls run(measure, input_count, op) for each measure `c` supports, in the benchmark's order (queries, then
// moves); op(i) performs the measure on input i. Written once so every contender runs exactly the same ops.
// C is the concrete (final) contender type, so the calls inside the ops are direct.
template <class C, class Run>
void for_each_measure(C& c, const Workload& w, OpScratch& s, Run&& run) {
    run(Measure::kKnn100_1km, w.knn_circles.size(), [&](std::size_t i) {
        c.nearest_skilled(w.knn_circles[i], kKnnK, s.out);
        s.sink += s.out.size();
    });
    run(Measure::kCircle5km, w.big_circles.size(), [&](std::size_t i) {
        c.within(w.big_circles[i], s.out);
        s.sink += s.out.size();
    });
    run(Measure::kPolygon, w.polygons.size(), [&](std::size_t i) {
        c.within(w.polygons[i], s.out);
        s.sink += s.out.size();
    });
    run(Measure::kUpdateNear, w.near_moves.size(), [&](std::size_t i) {
        const MoveInput& m = w.near_moves[i];
        c.move(m.id, m.to);
    });
    run(Measure::kUpdateFar, w.far_moves.size(), [&](std::size_t i) {
        const MoveInput& m = w.far_moves[i];
        c.move(m.id, m.to);
    });
    if (c.roams()) {
        run(Measure::kRoam1000, w.roam_moves.size(), [&](std::size_t i) {
            const MoveInput& m = w.roam_moves[i];
            c.roam(m.id, m.to, s.entered);
            s.sink += s.entered.size();
        });
    }
}

}  // namespace yihu::bench
