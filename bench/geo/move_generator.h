#pragma once

#include <cstddef>
#include <vector>

#include "bench_region.h"
#include "core/geo/lat_lng.h"
#include "core/index/volunteer.h"
#include "dataset.h"

namespace yihu::bench {

// One position update: volunteer `id` moved from `from` (where the walk had them) to `to`.
struct MoveInput {
    core::VolunteerId id;
    core::geo::LatLng to;
    core::geo::LatLng from;  // for statistics only: contenders know where the volunteer was
};

// Draws position updates for random volunteers and remembers where each one went, so consecutive batches form one
// walk from the dataset's positions: a "near" move really is near the volunteer's current position, provided the
// batches are applied in the order they were drawn.
class MoveGenerator {
  public:
    MoveGenerator(const Dataset& data, Rng& rng);

    // Moves of up to `max_m` metres, clamped to the region.
    std::vector<MoveInput> near(std::size_t count, double max_m);
    // Moves of `min_m` to `max_m` metres in a bearing that stays inside the region.
    std::vector<MoveInput> far(std::size_t count, double min_m, double max_m);

  private:
    MoveInput commit(core::VolunteerId id, core::geo::LatLng to);

    std::vector<core::geo::LatLng> positions_;
    Rng& rng_;
};

}  // namespace yihu::bench
