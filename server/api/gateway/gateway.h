#pragma once

#include <functional>
#include <memory>
#include <variant>

#include "api/gateway/gateway_context.h"
#include "api/gateway/http_routes.h"
#include "net/http_message.h"
#include "net/ws_connection.h"

namespace yihu::api {

// The node's routes, free of Beast types (the app hands them to the listener):
//   GET  /healthz, /readyz, /metrics                   no token
//   POST /v1/devices/{id}/trigger                      device token (subject = device id)
//   /v1/alerts..., /v1/devices...                      dispatcher token; see docs/api.md and http_routes.cpp
//   GET  /v1/volunteer (WebSocket)                     token in the Hello
//   GET  /v1/feed (WebSocket)                          dispatcher token: Authorization header or ?access_token=
//   GET  /, /console/..., /app/..., /lib/..., /vendor/leaflet/...   the web pages, no token (static_routes.h)
// An HTTP request is routed (404 for an unknown path, 405 with Allow for a known path and another method), its
// token checked, and its route decodes it into a typed command for the hub, all on the network thread that read
// it; the hub's typed result is made into JSON and a status on the thread it arrives on. The hub only sees
// authenticated, validated commands.
class Gateway {
  public:
    explicit Gateway(GatewayContext& context) : context_(context), routes_(http_routes(context)) {}

    void http(net::HttpRequest request, std::function<void(net::HttpResponse)> respond);
    std::variant<std::unique_ptr<net::WsHandler>, net::HttpResponse> upgrade(const net::HttpRequest& request);

  private:
    // The caller's claims if the token is valid and has `role`; otherwise the error response to send.
    std::variant<Claims, net::HttpResponse> authenticate(const std::string& token, Role role) const;
    // The same for a token that may have any of `roles`.
    std::variant<Claims, net::HttpResponse> authenticate(const std::string& token,
                                                         const std::vector<Role>& roles) const;

    GatewayContext& context_;
    RouteTable<HttpRoute> routes_;
};

}  // namespace yihu::api
