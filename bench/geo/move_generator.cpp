#include "move_generator.h"

#include "core/geo/sphere.h"
#include "random_shapes.h"

namespace yihu::bench {

using core::geo::LatLng;

MoveGenerator::MoveGenerator(const Dataset& data, Rng& rng) : rng_(rng) {
    positions_.reserve(data.volunteers.size());
    for (const Volunteer& v : data.volunteers) positions_.push_back(v.position);
}

MoveInput MoveGenerator::commit(core::VolunteerId id, LatLng to) {
    const LatLng from = positions_[id];
    positions_[id] = to;
    return MoveInput{id, to, from};
}

std::vector<MoveInput> MoveGenerator::near(std::size_t count, double max_m) {
    std::uniform_int_distribution<core::VolunteerId> who(0, static_cast<core::VolunteerId>(positions_.size() - 1));
    std::vector<MoveInput> moves;
    moves.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const core::VolunteerId id = who(rng_);
        moves.push_back(commit(id, kDongguan.clamp(point_near(positions_[id], max_m, rng_))));
    }
    return moves;
}

std::vector<MoveInput> MoveGenerator::far(std::size_t count, double min_m, double max_m) {
    std::uniform_int_distribution<core::VolunteerId> who(0, static_cast<core::VolunteerId>(positions_.size() - 1));
    std::uniform_real_distribution<double> distance(min_m, max_m);
    std::uniform_real_distribution<double> bearing(0.0, 360.0);
    std::vector<MoveInput> moves;
    moves.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const core::VolunteerId id = who(rng_);
        const double d = distance(rng_);
        LatLng to = core::geo::destination(positions_[id], bearing(rng_), d);
        // Near the border most bearings lead out of the region; a few retries find one that does not.
        for (int attempt = 0; attempt < 16 && !kDongguan.contains(to); ++attempt)
            to = core::geo::destination(positions_[id], bearing(rng_), d);
        moves.push_back(commit(id, kDongguan.clamp(to)));
    }
    return moves;
}

}  // namespace yihu::bench
