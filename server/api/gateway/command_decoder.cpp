#include "api/gateway/command_decoder.h"

#include <algorithm>
#include <charconv>

#include "api/codec/alert_request.h"
#include "api/codec/device_request.h"
#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/json_codec.h"

namespace yihu::api {

namespace {

constexpr std::uint32_t kMaxPage = 200;

v1::ErrorBody error(v1::ErrorCode code, std::string message) {
    v1::ErrorBody e;
    e.set_code(code);
    e.set_message(std::move(message));
    return e;
}

v1::ErrorBody error(const core::Error& e) {
    return error(to_proto(e.code), e.message);
}

// A path id (`what` names it in the message): the rule of is_valid_id.
std::optional<v1::ErrorBody> check_id(std::string_view what, std::string_view id) {
    if (!is_valid_id(id)) {
        return error(v1::ERROR_CODE_INVALID_ARGUMENT, std::string(what) + " id: " + std::string(id_rule()));
    }
    return std::nullopt;
}

// A JSON body as `out`; an empty body reads as {} when `empty_ok`.
std::optional<v1::ErrorBody> parse_body(const net::HttpRequest& r, google::protobuf::Message& out, bool empty_ok) {
    if (empty_ok && r.body.empty()) return std::nullopt;
    if (auto s = parse_json(r.body, out); !s)
        return error(v1::ERROR_CODE_MALFORMED_MESSAGE, "body: " + s.error().message);
    return std::nullopt;
}

// ?pageSize=&pageToken=: a size of 0..200 (0: the default) and a token this server gave (the offset, as text).
std::optional<v1::ErrorBody> parse_page(const net::HttpRequest& r, v1::Page* out) {
    if (auto v = r.query_value("pageSize"); !v.empty()) {
        std::uint32_t size = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), size);
        if (ec != std::errc{} || p != v.data() + v.size() || size > kMaxPage) {
            return error(v1::ERROR_CODE_INVALID_ARGUMENT, "pageSize: 0..200");
        }
        out->set_size(size);
    }
    if (auto v = r.query_value("pageToken"); !v.empty()) {
        std::uint64_t offset = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), offset);
        if (ec != std::errc{} || p != v.data() + v.size()) {
            return error(v1::ERROR_CODE_INVALID_ARGUMENT, "pageToken: not a token from this server");
        }
        out->set_offset(offset);
    }
    return std::nullopt;
}

// An area of a dispatcher's request within max_area_vertices, counted on the wire before any polygon is built.
std::optional<v1::ErrorBody> check_area_size(const v1::Area& area, std::size_t max_vertices) {
    // A closed ring repeats its first vertex.
    auto distinct = [](const v1::Polygon& p) { return static_cast<std::size_t>(std::max(p.ring_size() - 1, 0)); };
    std::size_t vertices = distinct(area.polygon());
    for (const v1::Polygon& p : area.shapes().polygons()) vertices += distinct(p);
    if (vertices <= max_vertices) return std::nullopt;
    v1::ErrorBody e = error(v1::ERROR_CODE_INVALID_ARGUMENT, "area: " + std::to_string(vertices) +
                                                                 " polygon vertices, more than this server accepts (" +
                                                                 std::to_string(max_vertices) + ")");
    (*e.mutable_details())["field"] = "area";
    (*e.mutable_details())["max_vertices"] = std::to_string(max_vertices);
    return e;
}

// The alert id of the path, checked.
std::optional<v1::ErrorBody> alert_id(const CommandInput& in, std::string& out) {
    out = in.params.get("id");
    return check_id("alert", out);
}

// A list under one alert: its id and a page.
template <typename List>
Decoded decode_alert_list(const CommandInput& in, List* (v1::HubCommand::*mutable_list)()) {
    v1::HubCommand c;
    List* list = (c.*mutable_list)();
    if (auto e = alert_id(in, *list->mutable_alert_id())) return *e;
    if (auto e = parse_page(in.http, list->mutable_page())) return *e;
    return c;
}

Decoded decode_close(const CommandInput& in, bool resolve) {
    v1::HubCommand c;
    v1::CloseAlert* close = c.mutable_close_alert();
    if (auto e = alert_id(in, *close->mutable_alert_id())) return *e;
    if (resolve) {
        v1::ResolveAlertRequest body;
        if (auto e = parse_body(in.http, body, true)) return *e;
        close->set_final_state(body.found() ? v1::ALERT_STATE_RESOLVED_FOUND : v1::ALERT_STATE_RESOLVED);
        close->set_message(body.message());
    } else {
        v1::CancelAlertRequest body;
        if (auto e = parse_body(in.http, body, true)) return *e;
        close->set_final_state(v1::ALERT_STATE_CANCELLED);
        close->set_message(body.reason());
    }
    if (auto s = check_text("message", close->message(), kMaxDescription); !s) return error(s.error());
    return c;
}

}  // namespace

std::string echo(std::string_view text) {
    if (text.size() <= kMaxIdBytes && printable_utf8(text)) return std::string(text);
    std::string placeholder = "(";
    placeholder += std::to_string(text.size());
    placeholder += " bytes, not shown)";
    return placeholder;
}

Decoded decode_create_alert(const CommandInput& in) {
    v1::HubCommand c;
    v1::CreateAlertRequest* body = c.mutable_create_alert()->mutable_request();
    if (auto e = parse_body(in.http, *body, false)) return *e;
    if (auto e = check_area_size(body->area(), in.max_area_vertices)) return *e;
    // The hub's own conversion, against scratch name tables: every field error is found here, and the hub's can then
    // fail only where its state is needed (a skill catalog that is full).
    SkillCatalog skills;
    NameTable teams;
    if (auto spec = to_spec(*body, skills, teams); !spec) return error(spec.error());
    return c;
}

Decoded decode_list_alerts(const CommandInput& in) {
    v1::HubCommand c;
    v1::ListAlerts* list = c.mutable_list_alerts();
    if (auto e = parse_page(in.http, list->mutable_page())) return *e;
    for (auto [it, end] = in.http.query.equal_range("states"); it != end; ++it) {
        v1::AlertState s;
        if (!v1::AlertState_Parse(it->second, &s)) {
            return error(v1::ERROR_CODE_INVALID_ARGUMENT, "states: unknown " + echo(it->second));
        }
        list->add_states(s);
    }
    for (auto [it, end] = in.http.query.equal_range("kinds"); it != end; ++it) {
        v1::AlertKind k;
        if (!v1::AlertKind_Parse(it->second, &k)) {
            return error(v1::ERROR_CODE_INVALID_ARGUMENT, "kinds: unknown " + echo(it->second));
        }
        list->add_kinds(k);
    }
    return c;
}

Decoded decode_get_alert(const CommandInput& in) {
    v1::HubCommand c;
    if (auto e = alert_id(in, *c.mutable_get_alert()->mutable_alert_id())) return *e;
    return c;
}

Decoded decode_update_alert(const CommandInput& in) {
    v1::HubCommand c;
    v1::UpdateAlertRequest* body = c.mutable_update_alert()->mutable_request();
    std::string id;
    if (auto e = alert_id(in, id)) return *e;
    if (auto e = parse_body(in.http, *body, false)) return *e;
    if (!body->alert_id().empty() && body->alert_id() != id) {
        return error(v1::ERROR_CODE_INVALID_ARGUMENT, "alert_id differs from the path");
    }
    body->set_alert_id(id);
    if (auto e = check_area_size(body->area(), in.max_area_vertices)) return *e;
    if (auto change = to_change(*body); !change) return error(change.error());
    return c;
}

Decoded decode_resolve_alert(const CommandInput& in) {
    return decode_close(in, true);
}

Decoded decode_cancel_alert(const CommandInput& in) {
    return decode_close(in, false);
}

Decoded decode_list_recipients(const CommandInput& in) {
    return decode_alert_list(in, &v1::HubCommand::mutable_list_recipients);
}

Decoded decode_list_responses(const CommandInput& in) {
    return decode_alert_list(in, &v1::HubCommand::mutable_list_responses);
}

Decoded decode_list_audit(const CommandInput& in) {
    return decode_alert_list(in, &v1::HubCommand::mutable_list_audit);
}

Decoded decode_confirm_sighting(const CommandInput& in) {
    v1::HubCommand c;
    v1::ConfirmSighting* confirm = c.mutable_confirm_sighting();
    if (auto e = alert_id(in, *confirm->mutable_alert_id())) return *e;
    const std::string& sid = in.params.get("sighting");
    std::uint64_t sighting = 0;
    auto [p, ec] = std::from_chars(sid.data(), sid.data() + sid.size(), sighting);
    if (sid.empty() || ec != std::errc{} || p != sid.data() + sid.size()) {
        return error(v1::ERROR_CODE_NOT_FOUND, "no sighting " + echo(sid));
    }
    confirm->set_sighting_id(sighting);
    return c;
}

Decoded decode_forward_alert(const CommandInput& in) {
    v1::HubCommand c;
    v1::ForwardAlert* forward = c.mutable_forward_alert();
    std::string id;
    if (auto e = alert_id(in, id)) return *e;
    if (auto e = parse_body(in.http, *forward, false)) return *e;
    if (!forward->alert_id().empty() && forward->alert_id() != id) {
        return error(v1::ERROR_CODE_INVALID_ARGUMENT, "alert_id differs from the path");
    }
    forward->set_alert_id(id);
    if (forward->peers_size() == 0 || forward->peers_size() > 32) {
        return error(v1::ERROR_CODE_INVALID_ARGUMENT, "peers: 1..32 peer city names");
    }
    for (const std::string& peer : forward->peers()) {
        if (auto e = check_id("peer", peer)) return *e;
    }
    return c;
}

Decoded decode_list_devices(const CommandInput&) {
    v1::HubCommand c;
    c.mutable_list_devices();
    return c;
}

Decoded decode_put_device(const CommandInput& in) {
    v1::HubCommand c;
    v1::Device* device = c.mutable_put_device()->mutable_device();
    const std::string& id = in.params.get("id");
    if (auto e = check_id("device", id)) return *e;
    if (auto e = parse_body(in.http, *device, false)) return *e;
    device->set_id(id);  // the path names the device
    // The hub's own conversion against scratch name tables, as for a new alert.
    SkillCatalog skills;
    NameTable teams;
    if (auto params = to_device(*device, skills, teams); !params) return error(params.error());
    return c;
}

Decoded decode_get_device(const CommandInput& in) {
    v1::HubCommand c;
    const std::string& id = in.params.get("id");
    if (auto e = check_id("device", id)) return *e;
    c.mutable_get_device()->set_device_id(id);
    return c;
}

Decoded decode_trigger_device(const CommandInput& in) {
    v1::HubCommand c;
    v1::DeviceTrigger* trigger = c.mutable_trigger_device()->mutable_trigger();
    const std::string& id = in.params.get("id");
    // A device speaks for itself only.
    if (in.caller.subject != id) return error(v1::ERROR_CODE_FORBIDDEN_ROLE, "a device may only trigger itself");
    if (auto e = parse_body(in.http, *trigger, true)) return *e;
    if (!trigger->device_id().empty() && trigger->device_id() != id) {
        return error(v1::ERROR_CODE_INVALID_ARGUMENT, "device_id differs from the path");
    }
    trigger->set_device_id(id);
    if (trigger->position().has_location()) {
        if (auto p = from_proto(trigger->position().location()); !p) {
            return error(to_proto(p.error().code), "position.location: " + p.error().message);
        }
    }
    return c;
}

}  // namespace yihu::api
