#include "api/gateway/gateway.h"

#include <algorithm>

#include "api/codec/http_reply.h"
#include "api/codec/json_codec.h"
#include "api/codec/result_reply.h"
#include "api/federation/peer_links.h"
#include "api/gateway/feed_session.h"
#include "api/gateway/static_routes.h"
#include "api/gateway/volunteer_session.h"

namespace yihu::api {

std::variant<Claims, net::HttpResponse> Gateway::authenticate(const std::string& token, Role role) const {
    return authenticate(token, std::vector<Role>{role});
}

std::variant<Claims, net::HttpResponse> Gateway::authenticate(const std::string& token,
                                                              const std::vector<Role>& roles) const {
    if (token.empty()) return error_reply(v1::ERROR_CODE_UNAUTHENTICATED, "missing bearer token");
    VerifiedToken verified = verify_token(token, context_.token_secret, context_.clock(), context_.token_policy);
    if (!verified.ok()) {
        return error_reply(
            verified.error == TokenError::kExpired ? v1::ERROR_CODE_TOKEN_EXPIRED : v1::ERROR_CODE_UNAUTHENTICATED,
            std::string("token: ") + std::string(to_string(verified.error)));
    }
    if (std::find(roles.begin(), roles.end(), verified.claims.role) == roles.end()) {
        std::string wanted;
        for (std::size_t i = 0; i < roles.size(); ++i) {
            if (i > 0) wanted += i + 1 == roles.size() ? " or " : ", ";
            wanted += to_string(roles[i]);
        }
        return error_reply(v1::ERROR_CODE_FORBIDDEN_ROLE,
                           "this needs a " + wanted + " token, not " + std::string(to_string(verified.claims.role)));
    }
    return std::move(verified.claims);
}

namespace {

v1::CallerRole caller_role(Role role) {
    switch (role) {
        case Role::kVolunteer:
            return v1::CALLER_ROLE_VOLUNTEER;
        case Role::kDispatcher:
            return v1::CALLER_ROLE_DISPATCHER;
        case Role::kDevice:
            return v1::CALLER_ROLE_DEVICE;
        case Role::kPeer:
            return v1::CALLER_ROLE_PEER;
    }
    return v1::CALLER_ROLE_UNSPECIFIED;
}

}  // namespace

void Gateway::http(net::HttpRequest request, std::function<void(net::HttpResponse)> respond) {
    // The console's and the app's pages (static_routes.h) answer for their own paths only.
    if (context_.static_routes) {
        if (auto page = context_.static_routes->serve(request)) return respond(std::move(*page));
    }
    auto segments = path_segments(request.target.empty() ? request.path : request.target);
    if (!segments) return respond(error_reply(v1::ERROR_CODE_NOT_FOUND, "no such route: " + echo(request.path)));
    auto match = routes_.match(request.method, *segments);
    using Status = RouteTable<HttpRoute>::Status;
    if (match.status == Status::kNoSuchPath) {
        return respond(error_reply(v1::ERROR_CODE_NOT_FOUND, "no such route: " + echo(request.path)));
    }
    if (match.status == Status::kWrongMethod) {
        net::HttpResponse r =
            error_reply(v1::ERROR_CODE_METHOD_NOT_ALLOWED,
                        echo(request.method) + " is not allowed on " + echo(request.path) + "; use " + match.allow);
        r.headers.emplace_back("Allow", match.allow);
        return respond(std::move(r));
    }
    const HttpRoute& route = *match.value;
    if (route.local) return respond(route.local());

    Claims caller;
    if (!route.roles.empty()) {
        auto who = authenticate(request.bearer_token(), route.roles);
        if (auto* error = std::get_if<net::HttpResponse>(&who)) return respond(std::move(*error));
        caller = std::get<Claims>(std::move(who));
    }
    Decoded decoded = route.decode(CommandInput{request, match.params, caller, context_.max_area_vertices});
    if (auto* error = std::get_if<v1::ErrorBody>(&decoded)) {
        return respond(
            error_reply(error->code(), error->message(), {error->details().begin(), error->details().end()}));
    }
    v1::HubCommand command = std::get<v1::HubCommand>(std::move(decoded));
    command.mutable_caller()->set_subject(caller.subject);
    command.mutable_caller()->set_role(caller_role(caller.role));
    context_.hub->command(std::move(command), [respond = std::move(respond), location = route.location_on_create,
                                               reply = route.reply, io = context_.run_on_io](v1::HubResult result) {
        auto answer = [respond, location, reply, result = std::move(result)] {
            respond(reply ? reply(result) : result_reply(result, location));
        };
        if (io) {
            io(std::move(answer));
        } else {
            answer();
        }
    });
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
    if (request.path == "/v1/federation" && context_.peer_links) return context_.peer_links->accept(request);
    return error_reply(v1::ERROR_CODE_NOT_FOUND, "no WebSocket endpoint at " + request.path);
}

}  // namespace yihu::api
