#pragma once

#include <memory>
#include <string>

#include "net/ws_connection.h"

namespace yihu::api {

class HubLink;
class PeerLinks;

// One link to a peer city, dialled here or accepted (its token already checked): binary PeerEnvelope frames only.
// Each side opens with a PeerHello (protocol version 1, its key id); until the peer's Hello arrives nothing else is
// taken. Then every envelope but an ack goes to the hub as a ReceivePeerEnvelope command and the hub's
// FederationAck goes back; acks go to the hub as PeerAcknowledged. A frame that is not a PeerEnvelope is answered
// with a refusing ack (MALFORMED_MESSAGE) and the link stays up: a peer's bad input never brings the link down.
// A session works with the hub attached when it was made, for its whole life: a link opened under one cluster
// leader's term never feeds a later one (PeerLinks::attach refuses it); made while no hub is attached, it closes
// with 1013 at once.
class PeerSession final : public net::WsHandler {
  public:
    PeerSession(PeerLinks& links, std::string peer, bool dialled_here);

    void on_open(std::shared_ptr<net::WsConnection> connection) override;
    void on_message(std::string_view data, bool binary) override;
    void on_closed() override;
    void on_too_large(std::size_t bytes, bool binary) override;

  private:
    void send_ack(const std::string& message_id, int code, std::string reason);

    PeerLinks& links_;
    std::shared_ptr<HubLink> hub_;
    std::uint64_t term_;
    std::string peer_;
    bool dialled_here_;
    std::uint64_t id_;
    std::shared_ptr<net::WsConnection> connection_;
    bool hello_received_ = false;
    bool attached_ = false;
};

}  // namespace yihu::api
