#include "volunteer/placement.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <string>

namespace yihu::sim {

namespace {

constexpr double kEarthRadiusM = 6'371'008.8;  // mean radius, as the server's geo code uses
constexpr double kDegree = std::numbers::pi / 180.0;

double uniform(std::mt19937_64& rng, double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(rng);
}

}  // namespace

LatLon destination(LatLon from, double bearing_rad, double distance) {
    const double lat1 = from.latitude * kDegree;
    const double lon1 = from.longitude * kDegree;
    const double angular = distance / kEarthRadiusM;
    const double lat2 =
        std::asin(std::sin(lat1) * std::cos(angular) + std::cos(lat1) * std::sin(angular) * std::cos(bearing_rad));
    const double lon2 = lon1 + std::atan2(std::sin(bearing_rad) * std::sin(angular) * std::cos(lat1),
                                          std::cos(angular) - std::sin(lat1) * std::sin(lat2));
    double lon = lon2 / kDegree;
    if (lon > 180) lon -= 360;
    if (lon < -180) lon += 360;
    return LatLon{lat2 / kDegree, lon};
}

double distance_m(LatLon a, LatLon b) {
    const double dlat = (b.latitude - a.latitude) * kDegree;
    const double dlon = (b.longitude - a.longitude) * kDegree;
    const double h = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(a.latitude * kDegree) *
                                                                   std::cos(b.latitude * kDegree) * std::sin(dlon / 2) *
                                                                   std::sin(dlon / 2);
    return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

LatLon Placement::start(std::size_t index, std::mt19937_64& rng) const {
    switch (kind) {
        case Kind::kDisc: {
            // sqrt: uniform over the area, not crowded at the centre.
            const double r = radius_m * std::sqrt(uniform(rng, 0, 1));
            return destination(center, uniform(rng, 0, 2 * std::numbers::pi), r);
        }
        case Kind::kBox:
            return LatLon{uniform(rng, south_west.latitude, north_east.latitude),
                          uniform(rng, south_west.longitude, north_east.longitude)};
        case Kind::kList:
            break;
    }
    return points[index % points.size()];
}

bool Placement::contains(LatLon p) const {
    switch (kind) {
        case Kind::kDisc:
            return distance_m(center, p) <= radius_m;
        case Kind::kBox:
            return p.latitude >= south_west.latitude && p.latitude <= north_east.latitude &&
                   p.longitude >= south_west.longitude && p.longitude <= north_east.longitude;
        case Kind::kList:
            break;
    }
    return true;
}

Placement make_box(LatLon a, LatLon b) {
    Placement p;
    p.kind = Placement::Kind::kBox;
    p.south_west = LatLon{std::min(a.latitude, b.latitude), std::min(a.longitude, b.longitude)};
    p.north_east = LatLon{std::max(a.latitude, b.latitude), std::max(a.longitude, b.longitude)};
    return p;
}

core::Result<std::vector<LatLon>> read_positions(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) return core::make_error(core::ErrorCode::kInvalidArgument, "--positions: cannot read " + path.string());
    std::vector<LatLon> points;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        auto point = tools::parse_lat_lon("positions", line);
        if (!point) {
            return core::make_error(core::ErrorCode::kInvalidArgument,
                                    path.string() + ":" + std::to_string(number) + ": " + point.error().message);
        }
        points.push_back(*point);
    }
    if (points.empty()) {
        return core::make_error(core::ErrorCode::kInvalidArgument,
                                "--positions: no \"lat,lon\" line in " + path.string());
    }
    return points;
}

LatLon RandomWalk::step(LatLon from, double distance, const Placement& area, std::mt19937_64& rng) {
    heading_ += std::normal_distribution<double>(0.0, 0.4)(rng);
    LatLon to = destination(from, heading_, distance);
    if (!area.contains(to)) {
        // Bounce: turn round (with a little spread) and take the step back inwards instead.
        heading_ += std::numbers::pi + uniform(rng, -0.5, 0.5);
        to = destination(from, heading_, distance);
        if (!area.contains(to)) to = from;  // a corner, or a list point: stay put this time
    }
    return to;
}

}  // namespace yihu::sim
