#include "dataset.h"

#include <cmath>

#include "bench_constants.h"
#include "bench_region.h"
#include "core/geo/sphere.h"

namespace yihu::bench {

namespace {

using core::geo::LatLng;

constexpr double kClusteredShare = 0.6;
constexpr int kClusters = 40;
constexpr double kSigmaLoM = 300.0;
constexpr double kSigmaHiM = 1500.0;
constexpr int kOtherSkills = 15;  // bits 1..15
constexpr double kOtherSkillShare = 0.2;

struct HotSpot {
    LatLng center;
    double sigma_m;
};

// A Gaussian draw around the hot spot, redrawn until it falls inside the region so the region's density is what
// the layout says (clamping would pile points up on the border).
LatLng gaussian_point(const HotSpot& spot, Rng& rng) {
    std::normal_distribution<double> offset(0.0, spot.sigma_m);
    for (;;) {
        const double north = offset(rng);
        const double east = offset(rng);
        const LatLng p = core::geo::destination(spot.center, std::atan2(east, north) * core::geo::kRadToDeg,
                                                std::hypot(north, east));
        if (kDongguan.contains(p)) return p;
    }
}

core::SkillSet random_skills(Rng& rng) {
    std::bernoulli_distribution skilled(kSkilledShare);
    std::bernoulli_distribution other(kOtherSkillShare);
    core::SkillSet skills = skilled(rng) ? kSkillUnderTest : 0;
    for (int bit = 1; bit <= kOtherSkills; ++bit) {
        if (other(rng)) skills |= core::SkillSet{1} << bit;
    }
    return skills;
}

}  // namespace

std::size_t Dataset::skilled() const {
    std::size_t n = 0;
    for (const Volunteer& v : volunteers) n += (v.skills & kSkillUnderTest) != 0;
    return n;
}

Dataset make_dataset(std::size_t size, Distribution distribution, std::uint64_t seed) {
    Dataset d;
    d.name = std::string(distribution_name(distribution)) + "_" + std::to_string(size);
    d.size = size;
    d.distribution = distribution;
    d.seed = seed;
    Rng rng(seed);

    std::vector<HotSpot> spots;
    std::vector<double> weights;
    std::uniform_real_distribution<double> sigma(kSigmaLoM, kSigmaHiM);
    std::uniform_real_distribution<double> weight(0.5, 1.5);
    for (int i = 0; i < kClusters; ++i) {
        const LatLng center = kDongguan.uniform_point(rng);
        spots.push_back(HotSpot{center, sigma(rng)});
        weights.push_back(weight(rng));
    }
    std::discrete_distribution<std::size_t> pick_spot(weights.begin(), weights.end());
    std::bernoulli_distribution in_spot(distribution == Distribution::kClustered ? kClusteredShare : 0.0);
    std::uniform_int_distribution<int> tier(0, 2);

    d.volunteers.reserve(size);
    for (std::size_t i = 0; i < size; ++i) {
        const LatLng p = in_spot(rng) ? gaussian_point(spots[pick_spot(rng)], rng) : kDongguan.uniform_point(rng);
        const core::SkillSet skills = random_skills(rng);
        d.volunteers.push_back(
            Volunteer{static_cast<core::VolunteerId>(i), p, skills, static_cast<core::Tier>(tier(rng))});
    }
    return d;
}

std::string clustered_layout() {
    return "60% of volunteers in 40 Gaussian hot spots (centres uniform, sigma 300-1500 m, weights 0.5-1.5), "
           "40% uniform";
}

}  // namespace yihu::bench
