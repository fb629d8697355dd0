// Device commands on the hub thread: register (PUT), list, and a device's own trigger.

#include <algorithm>

#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/hub_result.h"
#include "api/hub/hub.h"

namespace yihu::api {

Hub::Outcome Hub::on(const v1::PutDevice& c, const v1::Caller&) {
    const v1::Device& body = c.device();
    auto position = from_proto(body.position().location());
    if (!position) return {error_result(position.error())};
    core::Device d{.id = body.id(),
                   .name = body.name().empty() ? body.id() : body.name(),
                   .position = *position,
                   .kind = from_proto(body.policy().alert_kind()).value_or(core::AlertKind::kDrowning),
                   .responders_wanted = body.policy().responders_wanted() ? body.policy().responders_wanted() : 3};
    if (auto s = engine_.register_device(d); !s) return {error_result(s.error())};
    if (std::find(device_ids_.begin(), device_ids_.end(), d.id) == device_ids_.end()) device_ids_.push_back(d.id);
    v1::StoredDevice stored;
    stored.set_id(d.id);
    stored.set_name(d.name);
    to_proto(d.position, stored.mutable_position());
    stored.set_kind(static_cast<std::uint32_t>(d.kind));
    stored.set_responders_wanted(d.responders_wanted);
    batch_.devices.push_back(store::DeviceRecord{d.id, stored.SerializeAsString()});
    Outcome out;
    *out.result.mutable_device() = body;
    out.after_commit = true;
    return out;
}

Hub::Outcome Hub::on(const v1::ListDevices&, const v1::Caller&) {
    Outcome out;
    v1::DeviceList* list = out.result.mutable_devices();
    for (const std::string& id : device_ids_) {
        const core::Device* d = engine_.device(id);
        if (!d) continue;
        v1::Device* o = list->add_devices();
        o->set_id(d->id);
        o->set_name(d->name);
        to_proto(d->position, o->mutable_position()->mutable_location());
        o->set_kind(v1::DEVICE_KIND_RESCUE_HUT);
        o->mutable_policy()->set_alert_kind(to_proto(d->kind));
        o->mutable_policy()->set_responders_wanted(static_cast<std::uint32_t>(d->responders_wanted));
        o->mutable_policy()->set_auto_create(true);
    }
    return out;
}

Hub::Outcome Hub::on(const v1::TriggerDevice& c, const v1::Caller&) {
    const core::Time t = now();
    core::Effects fx;
    const std::size_t alerts_before = engine_.alerts().size();
    auto number = engine_.trigger_device(c.trigger().device_id(), t, fx);
    if (!number) return {error_result(number.error())};
    if (!extras_.count(*number)) {
        AlertExtras x;
        x.origin = options_.city;
        x.urgency = v1::URGENCY_IMMEDIATE;
        x.severity = v1::SEVERITY_SEVERE;
        x.certainty = v1::CERTAINTY_LIKELY;
        extras_[*number] = x;
    }
    const bool created = engine_.alerts().size() > alerts_before;
    metrics_->alerts_active = static_cast<std::int64_t>(engine_.active().size());
    apply(fx, t);
    return committed_alert(*number, created);
}

}  // namespace yihu::api
