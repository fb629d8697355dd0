#include "api/codec/result_reply.h"

#include "api/codec/enum_codec.h"
#include "api/codec/http_reply.h"
#include "api/codec/json_codec.h"

namespace yihu::api {

namespace {

// {"devices":[...]} even when there are none (protobuf's mapping would print {} for an empty list).
std::string device_list_json(const v1::DeviceList& list) {
    std::string body = "{\"devices\":[";
    for (int i = 0; i < list.devices_size(); ++i) {
        if (i > 0) body += ',';
        body += to_json(list.devices(i));
    }
    body += "]}";
    return body;
}

}  // namespace

net::HttpResponse result_reply(const v1::HubResult& result, bool location_on_create) {
    using Outcome = v1::HubResult::OutcomeCase;
    net::HttpResponse r;
    r.status = result.created() ? 201 : 200;
    switch (result.outcome_case()) {
        case Outcome::kError: {
            const v1::ErrorBody& e = result.error();
            r = json_reply(http_status(e.code()), e);
            if (result.retry_after_s() > 0) {
                std::erase_if(r.headers, [](const auto& h) { return h.first == "Retry-After"; });
                r.headers.emplace_back("Retry-After", std::to_string(result.retry_after_s()));
            }
            return r;
        }
        case Outcome::kAlert:
            r.body = to_json(result.alert());
            if (result.created() && location_on_create) {
                r.headers.emplace_back("Location", "/v1/alerts/" + result.alert().id());
            }
            return r;
        case Outcome::kAlertDetail:
            r.body = to_json(result.alert_detail());
            return r;
        case Outcome::kAlerts:
            r.body = to_json(result.alerts());
            return r;
        case Outcome::kRecipients:
            r.body = to_json(result.recipients());
            return r;
        case Outcome::kResponses:
            r.body = to_json(result.responses());
            return r;
        case Outcome::kAudit:
            r.body = to_json(result.audit());
            return r;
        case Outcome::kDevices:
            r.body = device_list_json(result.devices());
            return r;
        case Outcome::kDevice:
            r.body = to_json(result.device());
            return r;
        case Outcome::kFederationAck:  // goes back over a peer link, never over HTTP
        case Outcome::OUTCOME_NOT_SET:
            break;
    }
    return error_reply(v1::ERROR_CODE_INTERNAL, "the hub gave no result");
}

}  // namespace yihu::api
