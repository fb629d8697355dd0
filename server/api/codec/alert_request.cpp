#include "api/codec/alert_request.h"

#include <algorithm>

#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/time_codec.h"

namespace yihu::api {

using core::ErrorCode;
using core::make_error;

namespace {

core::Error field_error(core::Error e, std::string_view field) {
    e.message = std::string(field) + ": " + e.message;
    return e;
}

core::Status apply_policy_overrides(const v1::AlertPolicy& p, core::AlertPolicy& policy) {
    if (p.rings_size() > 0) {
        policy.rings.clear();
        for (const v1::Ring& r : p.rings()) {
            if (!(r.radius_m() > 0)) return make_error(ErrorCode::kInvalidArgument, "policy.rings: radius must be > 0");
            policy.rings.push_back({from_proto(r.after()), r.radius_m()});
        }
        std::sort(policy.rings.begin(), policy.rings.end(),
                  [](const core::Ring& a, const core::Ring& b) { return a.after < b.after; });
    }
    if (p.has_over_alert_factor()) policy.over_alert_factor = p.over_alert_factor();
    if (p.has_escalation_timeout()) policy.escalation_timeout = from_proto(p.escalation_timeout());
    if (p.has_widen_factor()) policy.widen_factor = p.widen_factor();
    if (p.has_max_radius_m()) policy.max_radius_m = p.max_radius_m();
    if (p.has_nearest_first()) policy.nearest_first = p.nearest_first();
    if (p.has_max_recipients()) policy.max_recipients = p.max_recipients();
    if (p.roles_size() > 0) policy.roles.assign(p.roles().begin(), p.roles().end());
    if (p.has_ask_to_respond()) policy.ask_to_respond = p.ask_to_respond();
    if (p.has_quiet_hours_bypass()) policy.urgent = p.quiet_hours_bypass();
    return core::Status::Ok();
}

}  // namespace

core::Status check_text(std::string_view field, std::string_view text, std::size_t max_bytes) {
    if (text.size() > max_bytes) {
        return make_error(ErrorCode::kInvalidArgument,
                          std::string(field) + ": longer than " + std::to_string(max_bytes) + " bytes");
    }
    return core::Status::Ok();
}

core::Status check_url(std::string_view field, std::string_view url) {
    if (url.empty()) return core::Status::Ok();
    if (auto s = check_text(field, url, kMaxUrl); !s) return s;
    if (url.substr(0, 8) != "https://") {
        return make_error(ErrorCode::kInvalidArgument, std::string(field) + ": must be an https:// link");
    }
    return core::Status::Ok();
}

core::Result<CreateParams> to_spec(const v1::CreateAlertRequest& r, SkillCatalog& skills, NameTable& teams) {
    CreateParams out;
    core::AlertSpec& spec = out.spec;
    auto kind = from_proto(r.kind());
    if (!kind) return make_error(ErrorCode::kInvalidArgument, "kind: required (ALERT_KIND_...)");
    spec.kind = *kind;
    if (!r.has_center()) return make_error(ErrorCode::kInvalidArgument, "center: required");
    auto center = from_proto(r.center());
    if (!center) return field_error(center.error(), "center");
    spec.center = *center;
    if (r.has_area()) {
        auto area = from_proto(r.area());
        if (!area) return field_error(area.error(), "area");
        spec.area = std::move(*area);
    }
    if (r.title().empty()) return make_error(ErrorCode::kInvalidArgument, "title: required");
    if (auto s = check_text("title", r.title(), kMaxTitle); !s) return s.error();
    if (auto s = check_text("description", r.description(), kMaxDescription); !s) return s.error();
    if (auto s = check_text("instruction", r.instruction(), kMaxDescription); !s) return s.error();
    if (auto s = check_url("photo_url", r.photo_url()); !s) return s.error();

    core::AlertPolicy policy = core::default_policy(spec.kind);
    if (r.required_skills_size() > 0) {
        auto set = skills.set_of({r.required_skills().begin(), r.required_skills().end()});
        if (!set) return field_error(set.error(), "required_skills");
        if (r.skill_match() == v1::SKILL_MATCH_ALL) {
            spec.skills_all = *set;
            policy.skills_any = 0;
        } else {
            policy.skills_any = *set;
        }
    }
    if (r.min_tier() != v1::TIER_UNSPECIFIED) {
        auto tier = from_proto(r.min_tier());
        if (!tier) return make_error(ErrorCode::kInvalidArgument, "min_tier: unknown value");
        // A dispatcher may narrow an alert, never open a suspect alert below the vetted tier.
        policy.min_tier = std::max(policy.min_tier, *tier);
    }
    if (r.teams_size() > 1) return make_error(ErrorCode::kInvalidArgument, "teams: at most one team per alert");
    if (r.teams_size() == 1) {
        if (r.teams(0).empty()) return make_error(ErrorCode::kInvalidArgument, "teams: empty name");
        spec.team = teams.intern(r.teams(0));
    }
    spec.responders_wanted = r.responders_wanted() > 0                 ? r.responders_wanted()
                             : spec.kind == core::AlertKind::kDrowning ? 3
                                                                       : 1;
    if (r.has_expires_in()) {
        const core::Duration lifetime = from_proto(r.expires_in());
        if (lifetime <= core::Duration::zero())
            return make_error(ErrorCode::kInvalidArgument, "expires_in: must be > 0");
        policy.lifetime = lifetime;
    }
    if (r.has_policy()) {
        if (auto s = apply_policy_overrides(r.policy(), policy); !s) return s.error();
    }
    spec.policy = std::move(policy);
    spec.title = r.title();
    spec.description = r.description();
    spec.photo_url = r.photo_url();

    out.extras.urgency = r.urgency();
    out.extras.severity = r.severity();
    out.extras.certainty = r.certainty();
    out.extras.instruction = r.instruction();
    out.extras.shared = r.shared();
    out.extras.exercise = r.exercise();
    return out;
}

core::Result<ChangeParams> to_change(const v1::UpdateAlertRequest& r) {
    ChangeParams out;
    core::AlertChange& c = out.change;
    if (r.expected_version() != 0) c.expected_version = r.expected_version();
    if (r.clear_area() || r.has_expires_at() || r.has_policy()) {
        return make_error(
            ErrorCode::kInvalidArgument,
            "clear_area, expires_at and policy cannot be changed on an open alert (cancel and re-create)");
    }
    if (r.has_center()) {
        auto center = from_proto(r.center());
        if (!center) return field_error(center.error(), "center");
        c.center = *center;
    }
    if (r.has_area()) {
        auto area = from_proto(r.area());
        if (!area) return field_error(area.error(), "area");
        c.area = std::move(*area);
    }
    if (r.has_title()) {
        if (r.title().empty()) return make_error(ErrorCode::kInvalidArgument, "title: cannot be empty");
        if (auto s = check_text("title", r.title(), kMaxTitle); !s) return s.error();
        c.title = r.title();
    }
    if (r.has_description()) {
        if (auto s = check_text("description", r.description(), kMaxDescription); !s) return s.error();
        c.description = r.description();
    }
    if (r.has_photo_url()) {
        if (auto s = check_url("photo_url", r.photo_url()); !s) return s.error();
        c.photo_url = r.photo_url();
    }
    if (r.has_responders_wanted()) {
        if (r.responders_wanted() == 0)
            return make_error(ErrorCode::kInvalidArgument, "responders_wanted: must be >= 1");
        c.responders_wanted = r.responders_wanted();
    }
    out.engine_change = c.center || c.area || c.title || c.description || c.photo_url || c.responders_wanted;
    if (r.has_instruction()) {
        if (auto s = check_text("instruction", r.instruction(), kMaxDescription); !s) return s.error();
        out.instruction = r.instruction();
    }
    if (r.has_urgency()) out.urgency = r.urgency();
    if (r.has_severity()) out.severity = r.severity();
    if (r.has_shared()) out.shared = r.shared();
    if (!out.engine_change && !out.instruction && !out.urgency && !out.severity && !out.shared) {
        return make_error(ErrorCode::kInvalidArgument, "nothing to change");
    }
    return out;
}

}  // namespace yihu::api
