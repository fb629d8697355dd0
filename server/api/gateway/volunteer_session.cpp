#include "api/gateway/volunteer_session.h"

#include "api/codec/id_check.h"
#include "api/codec/json_codec.h"

namespace yihu::api {

namespace {
constexpr std::uint32_t kProtocolVersion = 1;
// Hello.instance_id (volunteer.proto): the hub keeps one per connected volunteer.
constexpr std::size_t kMaxInstanceId = 64;

// The alert a message names, or nullptr.
const std::string* named_alert(const v1::ClientMessage& message) {
    if (message.has_respond()) return &message.respond().alert_id();
    if (message.has_sighting()) return &message.sighting().alert_id();
    return nullptr;
}
}  // namespace

VolunteerSession::VolunteerSession(GatewayContext& context)
    : context_(context),
      positions_(context.position_rate, std::chrono::steady_clock::now()),
      messages_(context.message_rate, std::chrono::steady_clock::now()) {
    session_.id = context_.next_session++;
}

void VolunteerSession::on_too_large(std::size_t bytes, bool binary) {
    fail(
        0, v1::ERROR_CODE_FRAME_TOO_LARGE,
        "message passed " + std::to_string(bytes) + " bytes; the limit is " + std::to_string(context_.ws_message_limit),
        true, binary);
}

bool VolunteerSession::admit(const v1::ClientMessage& message, bool binary) {
    const bool position = message.has_position();
    const net::RateDecision decision = (position ? positions_ : messages_).take(std::chrono::steady_clock::now());
    if (decision.allowed) {
        told_limited_ = false;
        return true;
    }
    (position ? context_.positions_rate_limited : context_.messages_rate_limited).fetch_add(1);
    // A request waits for its one reply; a fire-and-forget message (request_id 0) learns it once per streak, so a
    // flood does not turn into a flood of errors.
    if (message.request_id() == 0 && told_limited_) return false;
    told_limited_ = told_limited_ || message.request_id() == 0;
    v1::ServerMessage m;
    m.set_request_id(message.request_id());
    auto* error = m.mutable_error();
    error->set_code(v1::ERROR_CODE_RATE_LIMITED);
    error->set_message(position ? "too many position updates; this one was dropped"
                                : "too many messages; this one was dropped");
    error->set_retry_after_ms(static_cast<std::uint32_t>(decision.retry_after.count()));
    Hub::Session s = session_;
    s.binary = binary;
    Hub::send(s, m);
    return false;
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
    VerifiedToken verified = verify_token(token, context_.token_secret, context_.clock(), context_.token_policy);
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
        // Before Hello nothing earns a second chance: a stranger must not hold a socket by sending garbage.
        fail(0, authenticated_ ? v1::ERROR_CODE_MALFORMED_MESSAGE : v1::ERROR_CODE_UNAUTHENTICATED,
             std::string(binary ? "binary frame is not a ClientMessage" : "text frame is not a ClientMessage in JSON") +
                 (authenticated_ ? "" : "; the first message must be Hello"),
             !authenticated_, binary);
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
        if (hello.instance_id().size() > kMaxInstanceId) {
            fail(rid, v1::ERROR_CODE_INVALID_ARGUMENT,
                 "instance_id is longer than " + std::to_string(kMaxInstanceId) + " bytes", true, binary);
            return;
        }
        Claims claims;
        if (!check_token(hello.token(), rid, binary, claims)) return;
        authenticated_ = true;
        session_.connection->authenticated();
        subject_ = claims.subject;
        token_expires_at_ = claims.expires_at;
        session_.binary = binary;  // the phone's first frame sets the encoding of everything we send it
        context_.hub->volunteer_hello(session_, std::move(claims), hello, rid);
        return;
    }
    if (!admit(message, binary)) return;
    if (const std::string* id = named_alert(message); id != nullptr && !is_valid_id(*id)) {
        fail(rid, v1::ERROR_CODE_INVALID_ARGUMENT, "alert_id: " + std::string(id_rule()), false, binary);
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
