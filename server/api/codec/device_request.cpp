#include "api/codec/device_request.h"

#include <map>

#include "api/codec/alert_request.h"
#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"

namespace yihu::api {

using core::ErrorCode;
using core::make_error;

namespace {

constexpr std::uint32_t kDefaultRespondersWanted = 3;

// An error of to_spec, renamed to the DevicePolicy field it came from.
core::Error policy_error(core::Error e) {
    constexpr std::string_view kOverrides = "policy.";
    if (std::string_view(e.message).substr(0, kOverrides.size()) == kOverrides) {
        e.message = "policy.alert_policy." + e.message.substr(kOverrides.size());
    } else {
        e.message = "policy." + e.message;
    }
    return e;
}

std::string_view trigger_label(v1::DeviceTriggerKind kind) {
    switch (kind) {
        case v1::DEVICE_TRIGGER_KIND_DOOR_OPENED:
            return "Door opened";
        case v1::DEVICE_TRIGGER_KIND_SOS:
            return "SOS";
        case v1::DEVICE_TRIGGER_KIND_LEFT_SAFE_ZONE:
            return "Left safe zone";
        case v1::DEVICE_TRIGGER_KIND_FALL_DETECTED:
            return "Fall detected";
        default:
            return "Alarm";
    }
}

}  // namespace

core::Result<DeviceParams> to_device(const v1::Device& request, SkillCatalog& skills, NameTable& teams) {
    DeviceParams out;
    v1::Device& view = out.view;
    view = request;
    if (view.id().empty()) return make_error(ErrorCode::kInvalidArgument, "id: required");
    if (view.name().empty()) view.set_name(view.id());
    if (auto s = check_text("name", view.name(), kMaxTitle); !s) return s.error();
    // Without a position the device would sit at (0, 0): refused rather than stored there.
    if (!view.position().has_location()) {
        return make_error(ErrorCode::kInvalidArgument, "position.location is required");
    }
    auto position = from_proto(view.position().location());
    if (!position) return make_error(position.error().code, "position.location: " + position.error().message);
    if (!(view.position().accuracy_m() >= 0)) {
        return make_error(ErrorCode::kInvalidArgument, "position.accuracy_m: must be >= 0");
    }
    if (!v1::DeviceKind_IsValid(view.kind())) return make_error(ErrorCode::kInvalidArgument, "kind: unknown value");

    v1::DevicePolicy& policy = *view.mutable_policy();
    if (policy.has_auto_create() && !policy.auto_create()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "policy.auto_create: false (a dispatcher confirms each trigger) is not supported");
    }
    if (policy.has_safe_zone()) {
        return make_error(ErrorCode::kInvalidArgument,
                          "policy.safe_zone: not supported (the bracelet reports DEVICE_TRIGGER_KIND_LEFT_SAFE_ZONE)");
    }
    policy.set_auto_create(true);
    if (policy.alert_kind() == v1::ALERT_KIND_UNSPECIFIED) policy.set_alert_kind(v1::ALERT_KIND_DROWNING);
    if (policy.responders_wanted() == 0) policy.set_responders_wanted(kDefaultRespondersWanted);
    if (auto s = check_text("policy.title", policy.title(), kMaxTitle); !s) return s.error();

    core::Device& d = out.device;
    d.id = view.id();
    d.name = view.name();
    d.position = *position;
    d.title = policy.title();
    // The alert a trigger raises, checked as a dispatcher's would be.
    v1::CreateAlertRequest alert;
    alert.set_kind(policy.alert_kind());
    *alert.mutable_center() = view.position().location();
    alert.set_title(core::device_title(d));
    *alert.mutable_required_skills() = policy.required_skills();
    alert.set_min_tier(policy.min_tier());
    *alert.mutable_teams() = policy.teams();
    alert.set_responders_wanted(policy.responders_wanted());
    if (policy.has_alert_policy()) *alert.mutable_policy() = policy.alert_policy();
    auto spec = to_spec(alert, skills, teams);
    if (!spec) return policy_error(spec.error());
    d.kind = spec->spec.kind;
    d.responders_wanted = spec->spec.responders_wanted;
    d.policy = spec->spec.policy;
    d.skills_all = spec->spec.skills_all;
    d.team = spec->spec.team;
    return out;
}

v1::Device device_request(const core::Device& device) {
    v1::Device out;
    out.set_id(device.id);
    out.set_name(device.name);
    to_proto(device.position, out.mutable_position()->mutable_location());
    out.mutable_policy()->set_alert_kind(to_proto(device.kind));
    out.mutable_policy()->set_responders_wanted(static_cast<std::uint32_t>(device.responders_wanted));
    out.mutable_policy()->set_title(device.title);
    return out;
}

core::Result<std::string> trigger_description(const v1::DeviceTrigger& trigger, std::string_view device_name) {
    std::string out(trigger_label(trigger.kind()));
    out += " from ";
    out += device_name;
    const std::map<std::string, std::string> details(trigger.details().begin(), trigger.details().end());
    for (const auto& [key, value] : details) {
        out += '\n';
        out += key;
        out += ": ";
        out += value;
        if (out.size() > kMaxDescription) break;
    }
    if (auto s = check_text("details", out, kMaxDescription); !s) {
        return make_error(ErrorCode::kInvalidArgument, "details: the alert's description would be longer than " +
                                                           std::to_string(kMaxDescription) + " bytes");
    }
    return out;
}

}  // namespace yihu::api
