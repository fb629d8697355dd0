#include "api/gateway/volunteer_session.h"

#include "api/codec/json_codec.h"

namespace yihu::api {

namespace {
constexpr std::uint32_t kProtocolVersion = 1;
}

VolunteerSession::VolunteerSession(GatewayContext& context) : context_(context) {
    session_.id = context_.next_session++;
}

void VolunteerSession::on_open(std::shared_ptr<net::WsConnection> connection) {
    session_.connection = std::move(connection);
}

void VolunteerSession::fail(std::uint64_t request_id, v1::ErrorCode code, std::string message, bool fatal,
                            bool binary) {
    if (closing_) return;
    v1::ServerMessage m;
    m.set_request_id(request_id);
    m.mutable_error()->set_code(code);
    m.mutable_error()->set_message(std::move(message));
    m.mutable_error()->set_fatal(fatal);
    Hub::Session s = session_;
    s.binary = binary;
    Hub::send(s, m);
    if (fatal) {
        closing_ = true;
        const std::uint16_t close =
            code == v1::ERROR_CODE_FRAME_TOO_LARGE ? net::close_code::kTooBig : net::close_code::kPolicyViolation;
        session_.connection->close(close, v1::ErrorCode_Name(code));
    }
}

bool VolunteerSession::check_token(const std::string& token, std::uint64_t request_id, bool binary, Claims& out) {
    VerifiedToken verified = verify_token(token, context_.token_secret, context_.clock());
    if (!verified.ok()) {
        const bool expired = verified.error == TokenError::kExpired;
        fail(request_id, expired ? v1::ERROR_CODE_TOKEN_EXPIRED : v1::ERROR_CODE_UNAUTHENTICATED,
             std::string("token: ") + std::string(to_string(verified.error)), true, binary);
        return false;
    }
    if (verified.claims.role != Role::kVolunteer) {
        fail(request_id, v1::ERROR_CODE_FORBIDDEN_ROLE, "this endpoint is for volunteers", true, binary);
        return false;
    }
    out = std::move(verified.claims);
    return true;
}

void VolunteerSession::on_message(std::string_view data, bool binary) {
    if (closing_) return;
    if (data.size() > context_.ws_message_limit) {
        fail(0, v1::ERROR_CODE_FRAME_TOO_LARGE,
             "frame of " + std::to_string(data.size()) + " bytes; the limit is " +
                 std::to_string(context_.ws_message_limit),
             true, binary);
        return;
    }
    v1::ClientMessage message;
    const bool parsed = binary ? message.ParseFromArray(data.data(), static_cast<int>(data.size()))
                               : parse_json(data, message, true).ok();
    if (!parsed) {
        fail(0, v1::ERROR_CODE_MALFORMED_MESSAGE,
             binary ? "binary frame is not a ClientMessage" : "text frame is not a ClientMessage in JSON", false,
             binary);
        return;
    }
    const std::uint64_t rid = message.request_id();
    if (!authenticated_) {
        if (!message.has_hello()) {
            fail(rid, v1::ERROR_CODE_UNAUTHENTICATED, "the first message must be Hello", true, binary);
            return;
        }
        const v1::Hello& hello = message.hello();
        if (hello.protocol_version() > kProtocolVersion) {
            fail(rid, v1::ERROR_CODE_UNSUPPORTED_VERSION,
                 "protocol_version " + std::to_string(hello.protocol_version()) + " is not supported (1 is)", true,
                 binary);
            return;
        }
        Claims claims;
        if (!check_token(hello.token(), rid, binary, claims)) return;
        authenticated_ = true;
        subject_ = claims.subject;
        token_expires_at_ = claims.expires_at;
        session_.binary = binary;  // the phone's first frame sets the encoding of everything we send it
        context_.hub->volunteer_hello(session_, std::move(claims), hello, rid);
        return;
    }
    if (message.has_hello()) {
        // A token refresh on an open session.
        Claims claims;
        if (!check_token(message.hello().token(), rid, binary, claims)) return;
        if (claims.subject != subject_) {
            fail(rid, v1::ERROR_CODE_FORBIDDEN_ROLE, "a refreshed token must have the same subject", true, binary);
            return;
        }
        token_expires_at_ = claims.expires_at;
        v1::ServerMessage ok;
        ok.set_request_id(rid);
        ok.mutable_ok();
        Hub::send(session_, ok);
        return;
    }
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(context_.clock().time_since_epoch()).count();
    if (now_s > token_expires_at_) {
        fail(rid, v1::ERROR_CODE_TOKEN_EXPIRED, "the token expired; reconnect with a fresh one", true, binary);
        return;
    }
    if (message.body_case() == v1::ClientMessage::BODY_NOT_SET) {
        fail(rid, v1::ERROR_CODE_UNKNOWN_MESSAGE_TYPE, "empty or unknown message body", false, binary);
        return;
    }
    context_.hub->volunteer_message(session_, subject_, std::move(message));
}

void VolunteerSession::on_closed() {
    closing_ = true;
    if (!authenticated_) return;
    context_.hub->volunteer_closed(subject_, session_.id);
}

}  // namespace yihu::api
