// libFuzzer: a dispatcher's JSON request body, parsed the way the API parses it (unknown fields refused) into the
// message its route expects, then checked and converted as the hub would (alert specs, changes, areas, whole devices
// and their triggers). The first input byte picks the route's message.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/codec/alert_request.h"
#include "api/codec/device_request.h"
#include "api/codec/geo_codec.h"
#include "api/codec/json_codec.h"
#include "yihu/v1/dispatcher.pb.h"

namespace {

template <class Message>
bool parse(std::string_view json, Message& out) {
    return yihu::api::parse_json(json, out).ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view json(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 6) {
        case 0: {
            yihu::v1::CreateAlertRequest request;
            if (!parse(json, request)) return 0;
            yihu::api::SkillCatalog skills;
            yihu::api::NameTable teams;
            (void)yihu::api::to_spec(request, skills, teams);
            (void)yihu::api::to_json(request);
            break;
        }
        case 1: {
            yihu::v1::UpdateAlertRequest request;
            if (parse(json, request)) (void)yihu::api::to_change(request);
            break;
        }
        case 2: {
            yihu::v1::ResolveAlertRequest request;
            if (parse(json, request)) (void)yihu::api::check_text("message", request.message(), 4000);
            break;
        }
        case 3: {
            yihu::v1::CancelAlertRequest request;
            (void)parse(json, request);
            break;
        }
        case 4: {
            // PUT /v1/devices/{id}: the whole device checked as the hub does, and its stored view made again.
            yihu::v1::Device device;
            if (!parse(json, device)) return 0;
            yihu::api::SkillCatalog skills;
            yihu::api::NameTable teams;
            auto params = yihu::api::to_device(device, skills, teams);
            if (params) (void)yihu::api::device_request(params->device);
            break;
        }
        default: {
            yihu::v1::DeviceTrigger trigger;
            if (parse(json, trigger)) (void)yihu::api::trigger_description(trigger, "door of hut 3");
            break;
        }
    }
    return 0;
}
