#pragma once

#include <algorithm>
#include <optional>

#include "core/index/volunteer.h"

namespace yihu::core {

// The profile fields a filter reads. Teams are held by reference: a caller that already has the other fields at hand
// (a moved volunteer's point) does not load the profile unless a filter names a team.
struct FilterSubject {
    SkillSet skills;
    Tier tier;
    Availability availability;
    const std::vector<TeamId>& teams;

    static FilterSubject of(const VolunteerProfile& p) { return {p.skills, p.tier, p.availability, p.teams}; }
};

// Who an alert may reach, apart from where they are. The default admits every on-duty volunteer.
struct VolunteerFilter {
    SkillSet skills_any = 0;  // non-zero: at least one of these skills
    SkillSet skills_all = 0;  // every one of these skills
    Tier min_tier = Tier::kPublic;
    bool on_duty_only = true;
    std::optional<TeamId> team;  // member of this team

    // The part of the filter that the index checks from per-point data, without touching the volunteer's record.
    bool admits(SkillSet skills, Tier tier, Availability availability) const {
        if (on_duty_only && availability != Availability::kOnDuty) return false;
        if (tier < min_tier) return false;
        if (skills_any != 0 && (skills & skills_any) == 0) return false;
        return (skills & skills_all) == skills_all;
    }
    bool admits_teams(const std::vector<TeamId>& teams) const {
        return !team || std::find(teams.begin(), teams.end(), *team) != teams.end();
    }
    bool admits(const VolunteerProfile& p) const {
        return admits(p.skills, p.tier, p.availability) && admits_teams(p.teams);
    }
    bool admits(const FilterSubject& s) const {
        return admits(s.skills, s.tier, s.availability) && admits_teams(s.teams);
    }
};

}  // namespace yihu::core
