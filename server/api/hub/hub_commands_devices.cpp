// Device commands on the hub thread: register (PUT), list, get, and a device's own trigger.

#include <algorithm>

#include "api/codec/device_request.h"
#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/hub_result.h"
#include "api/hub/hub.h"

namespace yihu::api {

core::Result<v1::Device> Hub::add_device(const v1::Device& request) {
    auto params = to_device(request, skills_, teams_);
    if (!params) return params.error();
    if (auto s = engine_.register_device(params->device); !s) return s.error();
    if (!device_views_.count(params->view.id())) device_ids_.push_back(params->view.id());
    device_views_[params->view.id()] = params->view;
    return std::move(params->view);
}

Hub::Outcome Hub::on(const v1::PutDevice& c, const v1::Caller&) {
    auto view = add_device(c.device());
    if (!view) return {error_result(view.error())};
    const core::Device& d = *engine_.device(view->id());
    v1::StoredDevice stored;
    stored.set_id(d.id);
    stored.set_name(d.name);
    to_proto(d.position, stored.mutable_position());
    stored.set_kind(static_cast<std::uint32_t>(d.kind));
    stored.set_responders_wanted(d.responders_wanted);
    *stored.mutable_device() = *view;
    batch_.devices.push_back(store::DeviceRecord{d.id, stored.SerializeAsString()});
    Outcome out;
    *out.result.mutable_device() = std::move(*view);
    out.after_commit = true;
    return out;
}

Hub::Outcome Hub::on(const v1::ListDevices&, const v1::Caller&) {
    Outcome out;
    v1::DeviceList* list = out.result.mutable_devices();
    for (const std::string& id : device_ids_) *list->add_devices() = device_views_.at(id);
    return out;
}

Hub::Outcome Hub::on(const v1::GetDevice& c, const v1::Caller&) {
    auto it = device_views_.find(c.device_id());
    if (it == device_views_.end()) return {error_result(v1::ERROR_CODE_NOT_FOUND, "no device " + c.device_id())};
    Outcome out;
    *out.result.mutable_device() = it->second;
    return out;
}

Hub::Outcome Hub::on(const v1::TriggerDevice& c, const v1::Caller&) {
    const v1::DeviceTrigger& trigger = c.trigger();
    auto view = device_views_.find(trigger.device_id());
    if (view == device_views_.end())
        return {error_result(v1::ERROR_CODE_NOT_FOUND, "no device " + trigger.device_id())};
    core::DeviceEvent event;
    if (trigger.position().has_location()) {
        auto position = from_proto(trigger.position().location());
        if (!position) return {error_result(position.error())};
        event.position = *position;
    }
    auto description = trigger_description(trigger, view->second.name());
    if (!description) return {error_result(description.error())};
    event.description = std::move(*description);
    const core::Time t = now();
    core::Effects fx;
    const std::size_t alerts_before = engine_.alerts().size();
    auto number = engine_.trigger_device(trigger.device_id(), t, fx, std::move(event));
    if (!number) return {error_result(number.error())};
    // The device's view follows it (memory only: positions are not persisted as history).
    if (trigger.position().has_location()) *view->second.mutable_position() = trigger.position();
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
