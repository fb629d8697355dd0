// Cluster standby on the hub thread: what the leader tells the other nodes about volunteers' matching state, and how
// a successor takes it in (docs/cluster.md, "After a failover").

#include "api/codec/enum_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

void Hub::flush_standby(core::Time) {
    v1::StandbyBatch batch;
    const core::VolunteerIndex& index = engine_.matcher().volunteers();
    for (core::VolunteerId v : standby_dirty_) {
        const core::VolunteerProfile* profile = index.profile(v);
        if (profile == nullptr) continue;
        v1::StandbyVolunteer* out = batch.add_volunteers();
        out->set_volunteer_id(volunteers_.name(v));
        if (auto fix = index.position(v)) {
            out->set_has_position(true);
            out->set_lat(fix->position.lat);
            out->set_lon(fix->position.lon);
            out->set_accuracy_m(fix->accuracy_m);
            out->set_reported_at_ms(core::to_ms(fix->at));
        }
        for (const std::string& skill : skills_.names_of(profile->skills)) out->add_skills(skill);
        out->set_tier(to_proto(profile->tier));
        for (core::TeamId team : profile->teams) out->add_teams(teams_.name(team));
        out->set_availability(profile->availability == core::Availability::kOffDuty ? v1::AVAILABILITY_OFF_DUTY
                              : volunteer(v).quiet_hours                            ? v1::AVAILABILITY_QUIET_HOURS
                                                                                    : v1::AVAILABILITY_ON_DUTY);
    }
    standby_dirty_.clear();
    if (batch.volunteers_size() > 0) options_.standby_sink(std::move(batch));
}

void Hub::seed_standby(const std::vector<v1::StandbyVolunteer>& volunteers) {
    const core::Time t = now();
    core::Effects fx;
    for (const v1::StandbyVolunteer& s : volunteers) {
        auto skills = skills_.set_of({s.skills().begin(), s.skills().end()});
        if (!skills || s.volunteer_id().empty()) continue;  // from a leader with another skill catalogue: skip
        const core::VolunteerId v = volunteers_.intern(s.volunteer_id());
        VolunteerState& state = volunteer(v);
        if (state.known) continue;  // the phone is back already: its own word is newer
        core::VolunteerProfile profile;
        profile.skills = *skills;
        profile.tier = from_proto(s.tier()).value_or(core::Tier::kPublic);
        for (const std::string& team : s.teams()) profile.teams.push_back(teams_.intern(team));
        profile.availability =
            s.availability() == v1::AVAILABILITY_OFF_DUTY ? core::Availability::kOffDuty : core::Availability::kOnDuty;
        if (s.availability() == v1::AVAILABILITY_QUIET_HOURS) set_quiet_hours(v, state, true);
        if (s.has_position()) {
            // Aged from when the old leader got it, exactly as it would have aged there.
            (void)engine_.update_position(v, core::geo::LatLng{s.lat(), s.lon()}, std::max(0.0, s.accuracy_m()),
                                          core::time_from_ms(s.reported_at_ms()), fx);
        }
        state.granted_skills = *skills;
        state.profile = profile;
        state.known = true;
        engine_.set_profile(v, profile, t, fx);
        mark_standby(v);
    }
    apply(fx, t);
}

}  // namespace yihu::api
