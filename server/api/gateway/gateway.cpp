#include "api/gateway/gateway.h"

#include "api/codec/http_reply.h"
#include "api/codec/json_codec.h"
#include "api/gateway/feed_session.h"
#include "api/gateway/volunteer_session.h"

namespace yihu::api {

std::variant<Claims, net::HttpResponse> Gateway::authenticate(const std::string& token, Role role) const {
    if (token.empty()) return error_reply(v1::ERROR_CODE_UNAUTHENTICATED, "missing bearer token");
    VerifiedToken verified = verify_token(token, context_.token_secret, context_.clock(), context_.token_policy);
    if (!verified.ok()) {
        return error_reply(
            verified.error == TokenError::kExpired ? v1::ERROR_CODE_TOKEN_EXPIRED : v1::ERROR_CODE_UNAUTHENTICATED,
            std::string("token: ") + std::string(to_string(verified.error)));
    }
    if (verified.claims.role != role) {
        return error_reply(v1::ERROR_CODE_FORBIDDEN_ROLE, "this needs a " + std::string(to_string(role)) +
                                                              " token, not " +
                                                              std::string(to_string(verified.claims.role)));
    }
    return std::move(verified.claims);
}

void Gateway::http(net::HttpRequest request, std::function<void(net::HttpResponse)> respond) {
    const std::string& path = request.path;
    if (path == "/healthz") {
        net::HttpResponse r;
        r.body = R"({"status":"ok"})";
        return respond(std::move(r));
    }
    if (path == "/readyz") {
        const bool ready = context_.ready && context_.ready();
        net::HttpResponse r;
        r.status = ready ? 200 : 503;
        r.body = ready ? R"({"status":"ready"})" : R"({"status":"not ready"})";
        return respond(std::move(r));
    }
    if (path == "/metrics") {
        net::HttpResponse r;
        r.content_type = "text/plain; version=0.0.4; charset=utf-8";
        r.body = context_.render_metrics ? context_.render_metrics() : std::string{};
        return respond(std::move(r));
    }
    if (path.rfind("/v1/", 0) != 0) return respond(error_reply(v1::ERROR_CODE_NOT_FOUND, "no such route: " + path));

    HubLink* hub = context_.hub;
    // POST /v1/devices/{id}/trigger: a device speaks for itself only.
    constexpr std::string_view kDevices = "/v1/devices/";
    constexpr std::string_view kTrigger = "/trigger";
    if (request.method == "POST" && path.rfind(kDevices, 0) == 0 && path.size() > kDevices.size() + kTrigger.size() &&
        path.compare(path.size() - kTrigger.size(), kTrigger.size(), kTrigger) == 0) {
        const std::string device_id = path.substr(kDevices.size(), path.size() - kDevices.size() - kTrigger.size());
        auto who = authenticate(request.bearer_token(), Role::kDevice);
        if (auto* error = std::get_if<net::HttpResponse>(&who)) return respond(std::move(*error));
        if (std::get<Claims>(who).subject != device_id) {
            return respond(error_reply(v1::ERROR_CODE_FORBIDDEN_ROLE, "a device may only trigger itself"));
        }
        v1::DeviceTrigger trigger;
        if (!request.body.empty()) {
            if (auto s = parse_json(request.body, trigger); !s) {
                return respond(error_reply(v1::ERROR_CODE_MALFORMED_MESSAGE, "body: " + s.error().message));
            }
        }
        if (!trigger.device_id().empty() && trigger.device_id() != device_id) {
            return respond(error_reply(v1::ERROR_CODE_INVALID_ARGUMENT, "device_id differs from the path"));
        }
        hub->device_trigger(device_id, std::move(trigger), std::move(respond));
        return;
    }

    auto who = authenticate(request.bearer_token(), Role::kDispatcher);
    if (auto* error = std::get_if<net::HttpResponse>(&who)) return respond(std::move(*error));
    hub->http_request(std::move(request), std::get<Claims>(std::move(who)), std::move(respond));
}

std::variant<std::unique_ptr<net::WsHandler>, net::HttpResponse> Gateway::upgrade(const net::HttpRequest& request) {
    if (request.path == "/v1/volunteer") return std::make_unique<VolunteerSession>(context_);
    if (request.path == "/v1/feed") {
        std::string token = request.bearer_token();
        if (token.empty()) token = request.query_value("access_token");
        auto who = authenticate(token, Role::kDispatcher);
        if (auto* error = std::get_if<net::HttpResponse>(&who)) return std::move(*error);
        v1::LiveFeedSubscribe subscribe;
        for (auto [it, end] = request.query.equal_range("alertIds"); it != end; ++it) {
            std::string_view ids = it->second;
            while (!ids.empty()) {
                const auto comma = std::min(ids.find(','), ids.size());
                if (comma > 0) subscribe.add_alert_ids(std::string(ids.substr(0, comma)));
                ids.remove_prefix(std::min(comma + 1, ids.size()));
            }
        }
        subscribe.set_responder_positions(request.query_value("responderPositions") == "true");
        return std::make_unique<FeedSession>(context_, std::move(subscribe));
    }
    return error_reply(v1::ERROR_CODE_NOT_FOUND, "no WebSocket endpoint at " + request.path);
}

}  // namespace yihu::api
