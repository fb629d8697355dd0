#include "api/codec/alert_view.h"

#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/time_codec.h"
#include "core/geo/outline.h"

namespace yihu::api {

void to_proto(const core::AlertPolicy& policy, const SkillCatalog&, v1::AlertPolicy* out) {
    for (const core::Ring& r : policy.rings) {
        v1::Ring* ring = out->add_rings();
        ring->set_radius_m(r.radius_m);
        to_proto(r.after, ring->mutable_after());
    }
    out->set_over_alert_factor(policy.over_alert_factor);
    to_proto(policy.escalation_timeout, out->mutable_escalation_timeout());
    out->set_widen_factor(policy.widen_factor);
    out->set_max_radius_m(policy.max_radius_m);
    out->set_nearest_first(policy.nearest_first);
    out->set_max_recipients(static_cast<std::uint32_t>(policy.max_recipients));
    for (const std::string& role : policy.roles) out->add_roles(role);
    out->set_ask_to_respond(policy.ask_to_respond);
    out->set_quiet_hours_bypass(policy.urgent);
}

void to_proto(const core::Alert& a, const AlertExtras& x, const Names& names, bool for_volunteer, v1::Alert* out,
              std::size_t outline_vertices) {
    out->set_id(a.id);
    out->set_origin(x.origin);
    out->set_version(a.version);
    out->set_kind(to_proto(a.kind));
    out->set_state(to_proto(a.state));
    to_proto(a.center, out->mutable_center());
    // `area` is the dispatcher's hard boundary only; a growing or widening search is `current_radius_m` around
    // the centre.
    if (a.fixed_area) {
        const core::geo::Area& area = *a.fixed_area;
        if (outline_vertices > 0 && core::geo::vertex_count(area) > outline_vertices) {
            to_proto(core::geo::simplified(area, outline_vertices), out->mutable_area());
            out->set_area_simplified(true);
        } else {
            to_proto(area, out->mutable_area());
        }
        to_proto(area.bounds(), out->mutable_area_bounds());
    }
    if (a.filter.skills_all != 0) {
        for (auto& name : names.skills.names_of(a.filter.skills_all)) out->add_required_skills(std::move(name));
        out->set_skill_match(v1::SKILL_MATCH_ALL);
    } else {
        for (auto& name : names.skills.names_of(a.filter.skills_any)) out->add_required_skills(std::move(name));
        out->set_skill_match(v1::SKILL_MATCH_ANY);
    }
    out->set_min_tier(to_proto(a.filter.min_tier));
    out->set_responders_wanted(static_cast<std::uint32_t>(a.responders_wanted));
    out->set_urgency(x.urgency);
    out->set_severity(x.severity);
    out->set_certainty(x.certainty);
    out->set_title(a.title);
    out->set_description(a.description);
    out->set_instruction(x.instruction);
    out->set_photo_url(a.photo_url);
    to_proto(a.created_at, out->mutable_created_at());
    to_proto(a.updated_at, out->mutable_updated_at());
    to_proto(a.expires_at, out->mutable_expires_at());
    out->set_shared(x.shared);
    out->set_current_radius_m(a.fixed_area ? 0.0 : a.radius_m);
    out->set_exercise(x.exercise);
    out->set_closing_note(a.closing_message);
    if (!for_volunteer) {
        if (a.filter.team) out->add_teams(names.teams.name(*a.filter.team));
        to_proto(a.policy, names.skills, out->mutable_policy());
        out->set_created_by(a.created_by);
    }
}

}  // namespace yihu::api
