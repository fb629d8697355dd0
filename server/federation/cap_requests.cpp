#include "federation/cap_requests.h"

#include "api/codec/geo_codec.h"
#include "api/codec/time_codec.h"

namespace yihu::federation {

namespace {

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

v1::CreateAlertRequest to_create_request(const ImportedCap& m, core::Time now) {
    v1::CreateAlertRequest r;
    r.set_kind(kind_of(m.kind));
    api::to_proto(m.center, r.mutable_center());
    if (m.area) api::to_proto(*m.area, r.mutable_area());
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
    api::to_proto(m.center, r.mutable_center());
    if (m.area) api::to_proto(*m.area, r.mutable_area());
    r.set_title(m.title);
    r.set_description(m.description);
    r.set_instruction(m.instruction);
    r.set_urgency(m.urgency);
    r.set_severity(m.severity);
    return r;
}

v1::CancelAlertRequest to_cancel_request(const ImportedCap& m, const std::string& alert_id) {
    v1::CancelAlertRequest r;
    r.set_alert_id(alert_id);
    r.set_reason(m.note.empty() ? "Cancelled by " + m.key.sender : m.note);
    return r;
}

}  // namespace yihu::federation
