#include "api/gateway/http_routes.h"

namespace yihu::api {

namespace {

HttpRoute hub(Decoded (*decode)(const CommandInput&), Role role = Role::kDispatcher) {
    HttpRoute r;
    r.role = role;
    r.decode = decode;
    return r;
}

HttpRoute local(std::function<net::HttpResponse()> answer) {
    HttpRoute r;
    r.local = std::move(answer);
    return r;
}

net::HttpResponse text(unsigned status, std::string body) {
    net::HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

}  // namespace

RouteTable<HttpRoute> http_routes(GatewayContext& context) {
    RouteTable<HttpRoute> t;
    t.add("GET", "/healthz", local([] { return text(200, R"({"status":"ok"})"); }));
    t.add("GET", "/readyz", local([&context] {
              const bool ready = context.ready && context.ready();
              return text(ready ? 200 : 503, ready ? R"({"status":"ready"})" : R"({"status":"not ready"})");
          }));
    t.add("GET", "/metrics", local([&context] {
              net::HttpResponse r = text(200, context.render_metrics ? context.render_metrics() : std::string{});
              r.content_type = "text/plain; version=0.0.4; charset=utf-8";
              return r;
          }));

    HttpRoute create = hub(decode_create_alert);
    create.location_on_create = true;
    t.add("POST", "/v1/alerts", std::move(create));
    t.add("GET", "/v1/alerts", hub(decode_list_alerts));
    t.add("GET", "/v1/alerts/{id}", hub(decode_get_alert));
    t.add("PATCH", "/v1/alerts/{id}", hub(decode_update_alert));
    t.add("POST", "/v1/alerts/{id}:resolve", hub(decode_resolve_alert));
    t.add("POST", "/v1/alerts/{id}:cancel", hub(decode_cancel_alert));
    t.add("POST", "/v1/alerts/{id}:forward", hub(decode_forward_alert));
    t.add("GET", "/v1/alerts/{id}/recipients", hub(decode_list_recipients));
    t.add("GET", "/v1/alerts/{id}/responses", hub(decode_list_responses));
    t.add("GET", "/v1/alerts/{id}/audit", hub(decode_list_audit));
    t.add("POST", "/v1/alerts/{id}/sightings/{sighting}:confirm", hub(decode_confirm_sighting));
    t.add("GET", "/v1/devices", hub(decode_list_devices));
    t.add("PUT", "/v1/devices/{id}", hub(decode_put_device));
    t.add("POST", "/v1/devices/{id}/trigger", hub(decode_trigger_device, Role::kDevice));
    return t;
}

}  // namespace yihu::api
