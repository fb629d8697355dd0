#pragma once

#include <memory>
#include <string>

#include "api/auth/token.h"
#include "api/gateway/gateway_context.h"
#include "net/ws_connection.h"
#include "yihu/v1/volunteer.pb.h"

namespace yihu::api {

// One phone's WebSocket (GET /v1/volunteer). Runs on the connection's strand: decodes frames (binary: protobuf,
// text: protobuf JSON), enforces the Hello-first rule and the token, and hands everything else to the hub.
class VolunteerSession : public net::WsHandler {
  public:
    explicit VolunteerSession(GatewayContext& context);

    void on_open(std::shared_ptr<net::WsConnection> connection) override;
    void on_message(std::string_view data, bool binary) override;
    void on_closed() override;

  private:
    void fail(std::uint64_t request_id, v1::ErrorCode code, std::string message, bool fatal, bool binary);
    bool check_token(const std::string& token, std::uint64_t request_id, bool binary, Claims& out);

    GatewayContext& context_;
    Hub::Session session_;
    bool authenticated_ = false;
    std::string subject_;
    std::int64_t token_expires_at_ = 0;
    bool closing_ = false;
};

}  // namespace yihu::api
