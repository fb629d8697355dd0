#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "api/auth/token.h"
#include "api/gateway/command_decoder.h"
#include "api/gateway/gateway_context.h"
#include "api/gateway/route_table.h"
#include "net/http_message.h"

namespace yihu::api {

// What one HTTP route does. A hub route needs a token of one of `roles`, decodes the request into a command, and
// answers with the hub's result (codec/result_reply.h, or `reply` when set: CAP XML, the Atom feed); a local route
// (health, readiness, metrics) is answered on the I/O thread, without a token.
struct HttpRoute {
    std::vector<Role> roles;  // empty: a local route
    std::function<Decoded(const CommandInput&)> decode;
    bool location_on_create = false;  // 201 carries Location: /v1/alerts/{id}
    std::function<net::HttpResponse(const v1::HubResult&)> reply;
    std::function<net::HttpResponse()> local;
};

// The node's HTTP routes (docs/api.md). The gateway's table; tests build it to check matching and decoding.
RouteTable<HttpRoute> http_routes(GatewayContext& context);

}  // namespace yihu::api
