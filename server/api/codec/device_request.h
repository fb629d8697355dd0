#pragma once

#include <string>
#include <string_view>

#include "api/name_table.h"
#include "api/skill_catalog.h"
#include "core/alert/alert.h"
#include "core/result.h"
#include "yihu/v1/dispatcher.pb.h"

namespace yihu::api {

struct DeviceParams {
    core::Device device;
    // The request with its defaults filled in (name, policy.alert_kind, policy.responders_wanted,
    // policy.auto_create): what PUT answers, the store keeps and GET returns.
    v1::Device view;
};

// A dispatcher's Device (id set from the path) as the engine's Device: position required and valid, every policy
// field checked as the same field of a CreateAlertRequest (errors say "policy.<field>: ..."), and the fields this
// server does not act on refused by name (policy.auto_create false, policy.safe_zone).
core::Result<DeviceParams> to_device(const v1::Device& request, SkillCatalog& skills, NameTable& teams);

// A device known only by the engine's fields (a [[device]] of the configuration, or a record stored before whole
// devices were): the request that registers it as it stands.
v1::Device device_request(const core::Device& device);

// The description of the alert a trigger raises: "<what happened> from <device name>", then "key: value" per detail
// in key order. kInvalidArgument naming `details` when that exceeds kMaxDescription.
core::Result<std::string> trigger_description(const v1::DeviceTrigger& trigger, std::string_view device_name);

}  // namespace yihu::api
