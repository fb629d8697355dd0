#pragma once

#include "net/http_message.h"
#include "yihu/v1/commands.pb.h"

namespace yihu::api {

// The HTTP answer to a hub's result, made on the I/O thread that received the request:
// - an error: its code's status (common.proto) and an ErrorBody; UNAVAILABLE with Retry-After;
// - an outcome: 201 when it created an alert (with `Location: /v1/alerts/{id}` if `location_on_create`), else 200,
//   and the outcome's message in protobuf's JSON mapping.
net::HttpResponse result_reply(const v1::HubResult& result, bool location_on_create = false);

}  // namespace yihu::api
