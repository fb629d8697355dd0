#include "api/federation/peer_session.h"

#include <spdlog/spdlog.h>

#include "api/federation/peer_links.h"
#include "api/hub/hub_link.h"
#include "yihu/v1/federation.pb.h"

namespace yihu::api {

namespace {

constexpr std::uint32_t kProtocolVersion = 1;

std::shared_ptr<const std::string> encode(const v1::PeerEnvelope& envelope) {
    return std::make_shared<const std::string>(envelope.SerializeAsString());
}

}  // namespace

PeerSession::PeerSession(PeerLinks& links, std::string peer, bool dialled_here)
    : links_(links), peer_(std::move(peer)), dialled_here_(dialled_here), id_(links.next_id()) {
    std::tie(hub_, term_) = links.hub();
}

void PeerSession::on_open(std::shared_ptr<net::WsConnection> connection) {
    connection_ = std::move(connection);
    if (!hub_) return connection_->close(net::close_code::kTryAgainLater, "not the leader; dial again");
    v1::PeerEnvelope hello;
    hello.set_sender(links_.city());
    auto* h = hello.mutable_hello();
    h->set_peer_name(links_.city());
    h->set_key_id(links_.key_id());
    h->set_protocol_version(kProtocolVersion);
    h->set_software_version("yihu");
    connection_->send(net::Frame{encode(hello), true});
}

void PeerSession::send_ack(const std::string& message_id, int code, std::string reason) {
    v1::PeerEnvelope env;
    env.set_sender(links_.city());
    auto* ack = env.mutable_ack();
    ack->set_message_id(message_id);
    ack->set_accepted(false);
    ack->set_code(static_cast<v1::ErrorCode>(code));
    ack->set_reason(std::move(reason));
    connection_->send(net::Frame{encode(env), true});
}

void PeerSession::on_message(std::string_view data, bool binary) {
    v1::PeerEnvelope env;
    if (!binary || !env.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
        spdlog::warn("federation: {} sent a frame that is not a PeerEnvelope ({} bytes)", peer_, data.size());
        return send_ack("", v1::ERROR_CODE_MALFORMED_MESSAGE, "not a binary PeerEnvelope");
    }
    if (env.has_hello()) {
        const PeerKey* key = links_.peer(peer_);
        if (env.hello().protocol_version() != kProtocolVersion) {
            return connection_->close(net::close_code::kPolicyViolation, "unsupported federation protocol version");
        }
        if (!key || env.hello().peer_name() != peer_ || env.hello().key_id() != key->key_id) {
            spdlog::warn("federation: {} said hello as '{}' with key id '{}': closing", peer_, env.hello().peer_name(),
                         env.hello().key_id());
            return connection_->close(net::close_code::kPolicyViolation, "hello: wrong peer name or key id");
        }
        hello_received_ = true;
        attached_ = links_.attach(peer_, connection_, dialled_here_, id_, term_);
        if (attached_) return;
        // The leader this link was opened under stepped down meanwhile: the peer dials again and finds the next.
        if (links_.hub().second != term_) {
            return connection_->close(net::close_code::kTryAgainLater, "not the leader any more; dial again");
        }
        connection_->close(net::close_code::kNormal, "duplicate link");
        return;
    }
    if (!hello_received_ || !attached_) {
        return send_ack(env.message_id(), v1::ERROR_CODE_UNAUTHENTICATED, "hello first");
    }
    if (env.has_ack()) {
        v1::HubCommand command;
        command.mutable_caller()->set_subject(peer_);
        command.mutable_caller()->set_role(v1::CALLER_ROLE_PEER);
        command.mutable_peer_acknowledged()->set_peer(peer_);
        *command.mutable_peer_acknowledged()->mutable_ack() = env.ack();
        hub_->command(std::move(command), [](v1::HubResult) {});
        return;
    }
    v1::HubCommand command;
    command.mutable_caller()->set_subject(peer_);
    command.mutable_caller()->set_role(v1::CALLER_ROLE_PEER);
    *command.mutable_receive_peer_envelope()->mutable_envelope() = std::move(env);
    hub_->command(std::move(command), [connection = connection_, city = links_.city()](v1::HubResult result) {
        // No ack for a change that could not be stored: the peer sends it again.
        if (!result.has_federation_ack()) return;
        v1::PeerEnvelope reply;
        reply.set_sender(city);
        *reply.mutable_ack() = std::move(*result.mutable_federation_ack());
        connection->send(net::Frame{encode(reply), true});
    });
}

void PeerSession::on_too_large(std::size_t bytes, bool) {
    spdlog::warn("federation: {} sent a message of more than {} bytes: the link closes", peer_, bytes);
}

void PeerSession::on_closed() {
    if (attached_) links_.detach(peer_, id_);
    connection_.reset();
}

}  // namespace yihu::api
