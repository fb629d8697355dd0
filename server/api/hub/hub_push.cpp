// The shared part of a volunteer push, encoded once per alert version and kind (api/delivery/push_encoding.h).

#include "api/codec/enum_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

namespace {

constexpr std::string_view kStandDownReason = "Enough responders are on the way. Thank you!";

}  // namespace

PushBodyPtr Hub::push_body(const core::Alert& a, v1::DeliveryKind kind) {
    const BodyKey key{a.number, kind, a.version, a.updated_at, a.radius_m, a.state};
    auto& cached = bodies_[{a.number, static_cast<int>(kind)}];
    if (cached.second && cached.first == key) return cached.second;
    v1::ServerMessage m;
    switch (kind) {
        case v1::DELIVERY_KIND_ALERT: {
            auto* push = m.mutable_alert();
            push->set_alert_id(a.id);
            push->set_alert_version(a.version);
            fill_alert(a, true, push->mutable_alert(), true);
            for (const auto& role : a.policy.roles) push->add_roles(role);
            break;
        }
        case v1::DELIVERY_KIND_UPDATE: {
            auto* push = m.mutable_alert_update();
            push->set_alert_id(a.id);
            push->set_alert_version(a.version);
            fill_alert(a, true, push->mutable_alert(), true);
            break;
        }
        case v1::DELIVERY_KIND_STAND_DOWN: {
            auto* push = m.mutable_stand_down();
            push->set_alert_id(a.id);
            push->set_alert_version(a.version);
            push->set_reason(std::string(kStandDownReason));
            break;
        }
        case v1::DELIVERY_KIND_CLOSED: {
            auto* push = m.mutable_alert_closed();
            push->set_alert_id(a.id);
            push->set_alert_version(a.version);
            push->set_final_state(to_proto(a.state));
            push->set_message(a.closing_message);
            break;
        }
        default:
            break;
    }
    auto body = std::make_shared<const PushBody>(m);
    cached = {key, body};
    return body;
}

}  // namespace yihu::api
