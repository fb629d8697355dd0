#pragma once

#include <functional>
#include <memory>
#include <variant>

#include "api/gateway/gateway_context.h"
#include "net/http_message.h"
#include "net/ws_connection.h"

namespace yihu::api {

// The node's routes, free of Beast types (the app hands them to the listener):
//   GET  /healthz, /readyz, /metrics                   no token
//   POST /v1/devices/{id}/trigger                      device token (subject = device id)
//   /v1/alerts..., /v1/devices...                      dispatcher token; see docs/api.md
//   GET  /v1/volunteer (WebSocket)                     token in the Hello
//   GET  /v1/feed (WebSocket)                          dispatcher token: Authorization header or ?access_token=
// Token checks run here, on the network threads; the hub only sees authenticated work.
class Gateway {
  public:
    explicit Gateway(GatewayContext& context) : context_(context) {}

    void http(net::HttpRequest request, std::function<void(net::HttpResponse)> respond);
    std::variant<std::unique_ptr<net::WsHandler>, net::HttpResponse> upgrade(const net::HttpRequest& request);

  private:
    // The caller's claims if the token is valid and has `role`; otherwise the error response to send.
    std::variant<Claims, net::HttpResponse> authenticate(const std::string& token, Role role) const;

    GatewayContext& context_;
};

}  // namespace yihu::api
