#pragma once

#include <cstdint>
#include <vector>

namespace yihu::core {

// A volunteer's number inside this process. Assigned densely by the layer that knows external ids (token subjects),
// so the index can keep per-volunteer state in flat arrays. Ties in distance are broken by this number.
using VolunteerId = std::uint32_t;
using TeamId = std::uint32_t;

// Skills as a bit set: bit i is the i-th skill name in the SkillCatalog (at most 64 distinct skills).
using SkillSet = std::uint64_t;

// Trust level, ordered: a filter's minimum tier admits that tier and every higher one.
enum class Tier : std::uint8_t {
    kPublic = 0,      // anyone who installed the app
    kRegistered = 1,  // identity checked by the volunteer organisation
    kVetted = 2,      // police-vetted: may receive suspect alerts
};

enum class Availability : std::uint8_t {
    kOnDuty = 0,
    kOffDuty = 1,  // never receives alerts
};

// What the index knows about a volunteer besides their position.
struct VolunteerProfile {
    SkillSet skills = 0;
    Tier tier = Tier::kPublic;
    Availability availability = Availability::kOnDuty;
    std::vector<TeamId> teams;
};

}  // namespace yihu::core
