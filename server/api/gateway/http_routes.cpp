#include "api/gateway/http_routes.h"

#include <google/protobuf/struct.pb.h>

#include "api/codec/json_codec.h"
#include "api/gateway/cap_routes.h"

namespace yihu::api {

namespace {

HttpRoute hub(std::function<Decoded(const CommandInput&)> decode, std::vector<Role> roles = {Role::kDispatcher}) {
    HttpRoute r;
    r.roles = std::move(roles);
    r.decode = std::move(decode);
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
              const std::optional<std::string> why =
                  context.not_ready ? context.not_ready() : std::optional<std::string>("starting");
              if (!why) return text(200, R"({"status":"ready"})");
              google::protobuf::Struct body;
              (*body.mutable_fields())["status"].set_string_value("not ready");
              (*body.mutable_fields())["reason"].set_string_value(*why);
              return text(503, to_json(body));
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
    t.add("GET", "/v1/devices/{id}", hub(decode_get_device));
    t.add("PUT", "/v1/devices/{id}", hub(decode_put_device));
    t.add("POST", "/v1/devices/{id}/trigger", hub(decode_trigger_device, {Role::kDevice}));

    // CAP 1.2 (docs/federation.md): XML is read and written here, on the I/O thread; the hub sees typed commands.
    const std::vector<Role> cap_callers = {Role::kDispatcher, Role::kPeer};
    HttpRoute cap_document = hub(decode_get_alert, cap_callers);
    cap_document.reply = [&context](const v1::HubResult& r) { return cap_document_reply(r, context.cap_export); };
    t.add("GET", "/v1/alerts/{id}/cap", std::move(cap_document));
    HttpRoute cap_feed = hub(decode_cap_feed, cap_callers);
    cap_feed.reply = [&context](const v1::HubResult& r) {
        return cap_feed_reply(r, context.cap_export, context.clock ? context.clock() : core::Time{});
    };
    t.add("GET", "/v1/cap/feed", std::move(cap_feed));
    HttpRoute cap_import = hub(
        [&context](const CommandInput& in) {
            return decode_import_cap(in, context.cap_import, context.clock ? context.clock() : core::Time{});
        },
        cap_callers);
    cap_import.location_on_create = true;
    t.add("POST", "/v1/cap/alerts", std::move(cap_import));
    return t;
}

}  // namespace yihu::api
