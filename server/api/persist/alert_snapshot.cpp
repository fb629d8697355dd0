#include "api/persist/alert_snapshot.h"

#include <limits>

#include "api/codec/geo_codec.h"

namespace yihu::api {

using core::Time;

namespace {

std::int64_t ms(Time t) {
    return t == core::Alert::kNever ? std::numeric_limits<std::int64_t>::max() : core::to_ms(t);
}
Time time_of(std::int64_t ms) {
    return ms == std::numeric_limits<std::int64_t>::max() ? core::Alert::kNever : core::time_from_ms(ms);
}

void add_names(const SkillCatalog& skills, core::SkillSet set, google::protobuf::RepeatedPtrField<std::string>* out) {
    for (auto& name : skills.names_of(set)) out->Add(std::move(name));
}

core::Result<core::SkillSet> set_of(SkillCatalog& skills, const google::protobuf::RepeatedPtrField<std::string>& in) {
    return skills.set_of({in.begin(), in.end()});
}

core::Status corrupt(std::string what) {
    return core::make_error(core::ErrorCode::kInternal, "stored " + what + " does not decode");
}

void encode_policy(const core::AlertPolicy& p, const SkillCatalog& skills, v1::StoredPolicy* out) {
    for (const core::Ring& r : p.rings) {
        auto* ring = out->add_rings();
        ring->set_after_ms(r.after.count());
        ring->set_radius_m(r.radius_m);
    }
    out->set_nearest_first(p.nearest_first);
    out->set_over_alert_factor(p.over_alert_factor);
    out->set_escalation_timeout_ms(p.escalation_timeout.count());
    out->set_widen_factor(p.widen_factor);
    out->set_max_radius_m(p.max_radius_m);
    out->set_max_recipients(p.max_recipients);
    for (const auto& role : p.roles) out->add_roles(role);
    out->set_ask_to_respond(p.ask_to_respond);
    out->set_urgent(p.urgent);
    add_names(skills, p.skills_any, out->mutable_skills_any());
    out->set_min_tier(static_cast<std::uint32_t>(p.min_tier));
    out->set_lifetime_ms(p.lifetime.count());
    out->set_default_radius_m(p.default_radius_m);
}

core::Status decode_policy(const v1::StoredPolicy& in, SkillCatalog& skills, core::AlertPolicy& p) {
    p.rings.clear();
    for (const auto& r : in.rings()) p.rings.push_back({core::Duration{r.after_ms()}, r.radius_m()});
    p.nearest_first = in.nearest_first();
    p.over_alert_factor = in.over_alert_factor();
    p.escalation_timeout = core::Duration{in.escalation_timeout_ms()};
    p.widen_factor = in.widen_factor();
    p.max_radius_m = in.max_radius_m();
    p.max_recipients = in.max_recipients();
    p.roles.assign(in.roles().begin(), in.roles().end());
    p.ask_to_respond = in.ask_to_respond();
    p.urgent = in.urgent();
    auto any = set_of(skills, in.skills_any());
    if (!any) return any.error();
    p.skills_any = *any;
    p.min_tier = static_cast<core::Tier>(in.min_tier());
    p.lifetime = core::Duration{in.lifetime_ms()};
    p.default_radius_m = in.default_radius_m();
    return core::Status::Ok();
}

}  // namespace

const void* large_area_identity(const core::Alert& a) {
    if (!a.fixed_area) return nullptr;
    if (const auto* p = a.fixed_area->polygon()) return p;
    return a.fixed_area->shapes();
}

std::string encode_large_area(const core::Alert& a) {
    if (!large_area_identity(a)) return {};
    v1::StoredAlert only_area;
    to_proto(*a.fixed_area, only_area.mutable_fixed_area());
    return only_area.SerializeAsString();  // the field's tag, length and the Area: appended to the rest as is
}

std::string encode_alert(const core::Alert& a, const AlertExtras& x, const SkillCatalog& skills, const NameTable& teams,
                         const NameTable& volunteers) {
    return encode_alert_rest(a, x, skills, teams, volunteers) + encode_large_area(a);
}

std::string encode_alert_rest(const core::Alert& a, const AlertExtras& x, const SkillCatalog& skills,
                              const NameTable& teams, const NameTable& volunteers) {
    v1::StoredAlert s;
    s.set_number(a.number);
    s.set_id(a.id);
    s.set_kind(static_cast<std::uint32_t>(a.kind));
    s.set_state(static_cast<std::uint32_t>(a.state));
    encode_policy(a.policy, skills, s.mutable_policy());
    s.set_version(a.version);
    to_proto(a.center, s.mutable_center());
    if (a.fixed_area && !large_area_identity(a)) to_proto(*a.fixed_area, s.mutable_fixed_area());
    s.set_radius_m(a.radius_m);
    add_names(skills, a.filter.skills_any, s.mutable_skills_any());
    add_names(skills, a.filter.skills_all, s.mutable_skills_all());
    s.set_min_tier(static_cast<std::uint32_t>(a.filter.min_tier));
    s.set_on_duty_only(a.filter.on_duty_only);
    if (a.filter.team) s.set_team(teams.name(*a.filter.team));
    s.set_responders_wanted(a.responders_wanted);
    s.set_cap(a.cap);
    s.set_title(a.title);
    s.set_description(a.description);
    s.set_photo_url(a.photo_url);
    s.set_created_by(a.created_by);
    s.set_device_id(a.device_id);
    s.set_closing_message(a.closing_message);
    s.set_created_at_ms(ms(a.created_at));
    s.set_updated_at_ms(ms(a.updated_at));
    s.set_expires_at_ms(ms(a.expires_at));
    s.set_closed_at_ms(ms(a.closed_at));
    s.set_ring_index(a.ring_index);
    s.set_next_escalation_ms(ms(a.next_escalation));
    for (const auto& [v, until] : a.held) {
        auto* h = s.add_held();
        h->set_volunteer(volunteers.name(v));
        h->set_until_ms(ms(until));
    }
    s.set_accepted(a.accepted);
    s.set_staffed(a.staffed);
    for (const core::Sighting& sighting : a.sightings) {
        auto* out = s.add_sightings();
        out->set_id(sighting.id);
        out->set_reporter(volunteers.name(sighting.reporter));
        to_proto(sighting.position, out->mutable_position());
        out->set_text(sighting.text);
        out->set_photo_url(sighting.photo_url);
        out->set_at_ms(ms(sighting.at));
    }
    auto* e = s.mutable_extras();
    e->set_urgency(static_cast<std::uint32_t>(x.urgency));
    e->set_severity(static_cast<std::uint32_t>(x.severity));
    e->set_certainty(static_cast<std::uint32_t>(x.certainty));
    e->set_instruction(x.instruction);
    e->set_shared(x.shared);
    e->set_exercise(x.exercise);
    e->set_origin(x.origin);
    e->set_closed_by(x.closed_by);
    if (x.federation.ByteSizeLong() > 0) *e->mutable_federation() = x.federation;
    return s.SerializeAsString();
}

core::Status decode_alert(std::string_view bytes, SkillCatalog& skills, NameTable& teams, NameTable& volunteers,
                          core::Alert& a, AlertExtras& x) {
    v1::StoredAlert s;
    if (!s.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return corrupt("alert");
    a.number = s.number();
    a.id = s.id();
    a.kind = static_cast<core::AlertKind>(s.kind());
    a.state = static_cast<core::AlertState>(s.state());
    if (auto st = decode_policy(s.policy(), skills, a.policy); !st) return st;
    a.version = s.version();
    a.center = {s.center().latitude(), s.center().longitude()};
    if (s.has_fixed_area()) {
        auto area = from_proto(s.fixed_area());
        if (!area) return corrupt("alert area");
        a.fixed_area = std::move(*area);
    }
    a.radius_m = s.radius_m();
    auto any = set_of(skills, s.skills_any());
    auto all = set_of(skills, s.skills_all());
    if (!any || !all) return corrupt("alert skills");
    a.filter.skills_any = *any;
    a.filter.skills_all = *all;
    a.filter.min_tier = static_cast<core::Tier>(s.min_tier());
    a.filter.on_duty_only = s.on_duty_only();
    if (!s.team().empty()) a.filter.team = teams.intern(s.team());
    a.responders_wanted = s.responders_wanted();
    a.cap = s.cap();
    a.title = s.title();
    a.description = s.description();
    a.photo_url = s.photo_url();
    a.created_by = s.created_by();
    a.device_id = s.device_id();
    a.closing_message = s.closing_message();
    a.created_at = time_of(s.created_at_ms());
    a.updated_at = time_of(s.updated_at_ms());
    a.expires_at = time_of(s.expires_at_ms());
    a.closed_at = time_of(s.closed_at_ms());
    a.ring_index = s.ring_index();
    a.next_escalation = time_of(s.next_escalation_ms());
    for (const auto& h : s.held()) a.held[volunteers.intern(h.volunteer())] = time_of(h.until_ms());
    a.accepted = s.accepted();
    a.staffed = s.staffed();
    for (const auto& in : s.sightings()) {
        a.sightings.push_back(core::Sighting{.id = in.id(),
                                             .reporter = volunteers.intern(in.reporter()),
                                             .position = {in.position().latitude(), in.position().longitude()},
                                             .text = in.text(),
                                             .photo_url = in.photo_url(),
                                             .at = time_of(in.at_ms())});
    }
    x.urgency = static_cast<v1::Urgency>(s.extras().urgency());
    x.severity = static_cast<v1::Severity>(s.extras().severity());
    x.certainty = static_cast<v1::Certainty>(s.extras().certainty());
    x.instruction = s.extras().instruction();
    x.shared = s.extras().shared();
    x.exercise = s.extras().exercise();
    x.origin = s.extras().origin();
    x.closed_by = s.extras().closed_by();
    x.federation = s.extras().federation();
    return core::Status::Ok();
}

std::string encode_recipient(const core::Recipient& r, const DeliveryMarks& marks) {
    v1::StoredRecipient s;
    s.set_notified_at_ms(ms(r.notified_at));
    s.set_distance_m(r.distance_m);
    s.set_reason(r.reason);
    s.set_last_response(r.last_response ? static_cast<std::uint32_t>(*r.last_response) + 1 : 0);
    s.set_responded_at_ms(ms(r.responded_at));
    s.set_accepted(r.accepted);
    s.set_on_scene(r.on_scene);
    s.set_done(r.done);
    s.set_role(r.role);
    s.set_stood_down(r.stood_down);
    s.set_closed_notified(r.closed_notified);
    s.set_delivered_at_ms(ms(marks.delivered_at));
    s.set_acked_at_ms(ms(marks.acked_at));
    s.set_first_seq(marks.first_seq);
    return s.SerializeAsString();
}

core::Status decode_recipient(std::string_view bytes, core::Recipient& r, DeliveryMarks& marks) {
    v1::StoredRecipient s;
    if (!s.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return corrupt("recipient");
    r.notified_at = time_of(s.notified_at_ms());
    r.distance_m = s.distance_m();
    r.reason = s.reason();
    if (s.last_response() > 0) r.last_response = static_cast<core::ResponseKind>(s.last_response() - 1);
    r.responded_at = time_of(s.responded_at_ms());
    r.accepted = s.accepted();
    r.on_scene = s.on_scene();
    r.done = s.done();
    r.role = s.role();
    r.stood_down = s.stood_down();
    r.closed_notified = s.closed_notified();
    marks.delivered_at = time_of(s.delivered_at_ms());
    marks.acked_at = time_of(s.acked_at_ms());
    marks.first_seq = s.first_seq();
    return core::Status::Ok();
}

std::string encode_audit(const core::AuditEntry& e, const NameTable& volunteers) {
    v1::StoredAuditEntry s;
    s.set_at_ms(ms(e.at));
    s.set_kind(static_cast<std::uint32_t>(e.kind));
    if (e.volunteer) s.set_volunteer(volunteers.name(*e.volunteer));
    s.set_reason(e.reason);
    s.set_alert_version(e.alert_version);
    s.set_actor(e.actor);
    return s.SerializeAsString();
}

core::Status decode_audit(std::string_view bytes, NameTable& volunteers, core::AuditEntry& e) {
    v1::StoredAuditEntry s;
    if (!s.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return corrupt("audit entry");
    e.at = time_of(s.at_ms());
    e.kind = static_cast<core::AuditKind>(s.kind());
    if (!s.volunteer().empty()) e.volunteer = volunteers.intern(s.volunteer());
    e.reason = s.reason();
    e.alert_version = s.alert_version();
    e.actor = s.actor();
    return core::Status::Ok();
}

}  // namespace yihu::api
