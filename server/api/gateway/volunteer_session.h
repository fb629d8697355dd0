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
    bool needs_authentication() const override { return true; }
    void on_too_large(std::size_t bytes, bool binary) override;

  private:
    // Takes a token from the message's bucket; false (and RATE_LIMITED said) when there was none.
    bool admit(const v1::ClientMessage& message, bool binary);
    void fail(std::uint64_t request_id, v1::ErrorCode code, std::string message, bool fatal, bool binary);
    bool check_token(const std::string& token, std::uint64_t request_id, bool binary, Claims& out);

    GatewayContext& context_;
    Hub::Session session_;
    bool authenticated_ = false;
    std::string subject_;
    std::int64_t token_expires_at_ = 0;
    bool closing_ = false;
    net::TokenBucket positions_;
    net::TokenBucket messages_;
    bool told_limited_ = false;  // RATE_LIMITED sent for a message without request_id since the last one admitted
};

}  // namespace yihu::api
