#include "cluster/relay_codec.h"

#include "api/codec/enum_codec.h"

namespace yihu::cluster {

void to_wire(const api::Claims& claims, v1::RelayedClaims* out) {
    out->set_subject(claims.subject);
    out->set_role(static_cast<std::int32_t>(claims.role));
    for (const std::string& s : claims.skills) out->add_skills(s);
    out->set_tier(api::to_proto(claims.tier));
    for (const std::string& t : claims.teams) out->add_teams(t);
    out->set_issued_at_s(claims.issued_at);
    out->set_expires_at_s(claims.expires_at);
}

api::Claims from_wire(const v1::RelayedClaims& claims) {
    api::Claims out;
    out.subject = claims.subject();
    out.role = static_cast<api::Role>(claims.role());
    out.skills.assign(claims.skills().begin(), claims.skills().end());
    out.tier = api::from_proto(claims.tier()).value_or(core::Tier::kPublic);
    out.teams.assign(claims.teams().begin(), claims.teams().end());
    out.issued_at = claims.issued_at_s();
    out.expires_at = claims.expires_at_s();
    return out;
}

void to_wire(const net::HttpRequest& request, v1::RelayedHttpRequest* out) {
    out->set_method(request.method);
    out->set_target(request.target);
    out->set_path(request.path);
    for (const auto& [name, value] : request.query) {
        auto* q = out->add_query();
        q->set_name(name);
        q->set_value(value);
    }
    for (const auto& [name, value] : request.headers) {
        auto* h = out->add_headers();
        h->set_name(name);
        h->set_value(value);
    }
    out->set_body(request.body);
    out->set_remote(request.remote);
}

net::HttpRequest from_wire(const v1::RelayedHttpRequest& request) {
    net::HttpRequest out;
    out.method = request.method();
    out.target = request.target();
    out.path = request.path();
    for (const auto& q : request.query()) out.query.emplace(q.name(), q.value());
    for (const auto& h : request.headers()) out.headers[h.name()] = h.value();
    out.body = request.body();
    out.remote = request.remote();
    return out;
}

void to_wire(const net::HttpResponse& response, v1::RelayedHttpResponse* out) {
    out->set_status(response.status);
    out->set_content_type(response.content_type);
    out->set_body(response.body);
    for (const auto& [name, value] : response.headers) {
        auto* h = out->add_headers();
        h->set_name(name);
        h->set_value(value);
    }
}

net::HttpResponse from_wire(const v1::RelayedHttpResponse& response) {
    net::HttpResponse out;
    out.status = response.status();
    out.content_type = response.content_type();
    out.body = response.body();
    for (const auto& h : response.headers()) out.headers.emplace_back(h.name(), h.value());
    return out;
}

}  // namespace yihu::cluster
