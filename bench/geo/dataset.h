#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/geo/lat_lng.h"
#include "core/index/volunteer.h"
#include "distribution.h"

namespace yihu::bench {

// One volunteer as every contender loads it. All are on duty and fresh.
struct Volunteer {
    core::VolunteerId id;
    core::geo::LatLng position;
    core::SkillSet skills;
    core::Tier tier;
};

// The volunteers of one benchmark run, identical for every contender.
struct Dataset {
    std::string name;  // "uniform_270000": the "dataset" field of each result row
    std::size_t size = 0;
    Distribution distribution = Distribution::kUniform;
    std::uint64_t seed = 0;
    std::vector<Volunteer> volunteers;  // volunteers[i].id == i: ids are dense, as the index expects

    std::size_t skilled() const;
};

// `size` volunteers over Dongguan; ~10% hold the skill under test (bit 0), skills 1-15 are each held by 20%, tiers
// are uniform. Clustered: 60% fall in 40 Gaussian hot spots (sigma 300-1500 m, random weights), 40% uniform.
Dataset make_dataset(std::size_t size, Distribution distribution, std::uint64_t seed);

// The clustered layout in words, for the printed conditions.
std::string clustered_layout();

}  // namespace yihu::bench
