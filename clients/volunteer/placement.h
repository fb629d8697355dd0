#pragma once

#include <filesystem>
#include <random>
#include <vector>

#include "core/result.h"
#include "tools/flags.h"

namespace yihu::sim {

using tools::LatLon;

// Where simulated volunteers stand: a disc, a lat/lon box, or a list of points read from a file.
struct Placement {
    enum class Kind { kDisc, kBox, kList };
    Kind kind = Kind::kDisc;
    LatLon center;               // kDisc
    double radius_m = 0;         // kDisc
    LatLon south_west;           // kBox
    LatLon north_east;           // kBox
    std::vector<LatLon> points;  // kList

    // The starting point of volunteer number `index` (0-based): uniform over the disc's area or the box, or the
    // index-th listed point (cycling when there are more volunteers than points).
    LatLon start(std::size_t index, std::mt19937_64& rng) const;
    // Whether a walker may go there: inside the disc or the box; anywhere for a list.
    bool contains(LatLon p) const;
};

// A box from two opposite corners in any order. Boxes across the antimeridian are not supported.
Placement make_box(LatLon a, LatLon b);

// Lines "lat,lon" (blank lines and lines starting with '#' are skipped). kInvalidArgument names the bad line.
core::Result<std::vector<LatLon>> read_positions(const std::filesystem::path& path);

// The point `distance_m` from `from` along `bearing_rad` (0 = north, clockwise), on a spherical Earth.
LatLon destination(LatLon from, double bearing_rad, double distance_m);
// Great-circle distance, metres.
double distance_m(LatLon a, LatLon b);

// A walker's wandering: keeps a heading that drifts a little each step, and turns back at the edge of the placement
// area, so volunteers spread over their area instead of drifting away from it.
class RandomWalk {
  public:
    explicit RandomWalk(double initial_heading_rad) : heading_(initial_heading_rad) {}
    LatLon step(LatLon from, double distance_m, const Placement& area, std::mt19937_64& rng);

  private:
    double heading_;
};

}  // namespace yihu::sim
