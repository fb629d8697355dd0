#pragma once

#include "api/gateway/gateway_context.h"
#include "net/ws_connection.h"
#include "yihu/v1/dispatcher.pb.h"

namespace yihu::api {

// A dispatcher console's live feed (GET /v1/feed, authenticated at the upgrade). The console may send a
// LiveFeedSubscribe as a JSON text frame at any time to change what it follows.
class FeedSession : public net::WsHandler {
  public:
    FeedSession(GatewayContext& context, v1::LiveFeedSubscribe initial);

    void on_open(std::shared_ptr<net::WsConnection> connection) override;
    void on_message(std::string_view data, bool binary) override;
    void on_closed() override;

  private:
    GatewayContext& context_;
    v1::LiveFeedSubscribe initial_;
    std::shared_ptr<net::WsConnection> connection_;
    std::uint64_t id_;
};

}  // namespace yihu::api
