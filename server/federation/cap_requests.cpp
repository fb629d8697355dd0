#include "federation/cap_requests.h"

namespace yihu::federation {

namespace {

void write(core::geo::LatLng p, v1::LatLng* out) {
    out->set_latitude(p.lat);
    out->set_longitude(p.lon);
}

void write(const core::geo::Circle& c, v1::Circle* out) {
    write(c.center(), out->mutable_center());
    out->set_radius_m(c.radius_m());
}

void write(const core::geo::Polygon& p, v1::Polygon* out) {
    out->mutable_ring()->Reserve(static_cast<int>(p.ring().size()));
    for (core::geo::LatLng v : p.ring()) write(v, out->add_ring());
}

void write(core::Time t, google::protobuf::Timestamp* out) {
    const std::int64_t ms = core::to_ms(t);
    out->set_seconds(ms / 1000);
    out->set_nanos(static_cast<std::int32_t>((ms % 1000) * 1'000'000));
}

v1::AlertKind kind_of(core::AlertKind k) {
    switch (k) {
        case core::AlertKind::kMissingPerson:
            return v1::ALERT_KIND_MISSING_PERSON;
        case core::AlertKind::kMissingChild:
            return v1::ALERT_KIND_MISSING_CHILD;
        case core::AlertKind::kDrowning:
            return v1::ALERT_KIND_DROWNING;
        case core::AlertKind::kSuspect:
            return v1::ALERT_KIND_SUSPECT;
        case core::AlertKind::kDisaster:
            return v1::ALERT_KIND_DISASTER;
        case core::AlertKind::kGeneral:
            break;
    }
    return v1::ALERT_KIND_GENERAL;
}

}  // namespace

void to_proto(const core::geo::Area& area, v1::Area* out) {
    if (const auto* c = area.circle()) return write(*c, out->mutable_circle());
    if (const auto* p = area.polygon()) return write(*p, out->mutable_polygon());
    for (const auto& c : area.shapes()->circles()) write(c, out->mutable_shapes()->add_circles());
    for (const auto& p : area.shapes()->polygons()) write(p, out->mutable_shapes()->add_polygons());
}

v1::CreateAlertRequest to_create_request(const ImportedCap& m, core::Time now) {
    v1::CreateAlertRequest r;
    r.set_kind(kind_of(m.kind));
    write(m.center, r.mutable_center());
    if (m.area) to_proto(*m.area, r.mutable_area());
    r.set_urgency(m.urgency);
    r.set_severity(m.severity);
    r.set_certainty(m.certainty);
    r.set_title(m.title);
    r.set_description(m.description);
    r.set_instruction(m.instruction);
    if (m.expires) {
        const std::int64_t ms = core::to_ms(*m.expires) - core::to_ms(now);
        r.mutable_expires_in()->set_seconds(ms / 1000);
        r.mutable_expires_in()->set_nanos(static_cast<std::int32_t>((ms % 1000) * 1'000'000));
    }
    r.set_idempotency_key(m.key.idempotency_key());
    r.set_exercise(m.exercise);
    return r;
}

v1::UpdateAlertRequest to_update_request(const ImportedCap& m, const std::string& alert_id) {
    v1::UpdateAlertRequest r;
    r.set_alert_id(alert_id);
    write(m.center, r.mutable_center());
    if (m.area) to_proto(*m.area, r.mutable_area());
    r.set_title(m.title);
    r.set_description(m.description);
    r.set_instruction(m.instruction);
    r.set_urgency(m.urgency);
    r.set_severity(m.severity);
    if (m.expires) write(*m.expires, r.mutable_expires_at());
    return r;
}

v1::CancelAlertRequest to_cancel_request(const ImportedCap& m, const std::string& alert_id) {
    v1::CancelAlertRequest r;
    r.set_alert_id(alert_id);
    r.set_reason(m.note.empty() ? "Cancelled by " + m.key.sender : m.note);
    return r;
}

}  // namespace yihu::federation
