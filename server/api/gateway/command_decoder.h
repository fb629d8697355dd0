#pragma once

#include <variant>

#include "api/auth/token.h"
#include "api/codec/id_check.h"
#include "api/gateway/route_table.h"
#include "net/http_message.h"
#include "yihu/v1/commands.pb.h"
#include "yihu/v1/dispatcher.pb.h"

namespace yihu::api {

// What a route makes of an authenticated request: the typed command for the hub, or the error to answer at once.
// Decoding runs on the I/O thread that read the request and does every check that needs no hub state: JSON bodies
// (unknown fields refused), path ids, query parameters, coordinates, areas, texts and links. The command's caller
// is set by the gateway, not here.
using Decoded = std::variant<v1::HubCommand, v1::ErrorBody>;

struct CommandInput {
    const net::HttpRequest& http;
    const PathParams& params;
    const Claims& caller;
    // Most polygon vertices a request's area may hold ([limits] max_area_vertices): more is INVALID_ARGUMENT, before
    // any polygon is built.
    std::size_t max_area_vertices = 100'000;
};

// One decoder per hub route (docs/api.md lists them).
Decoded decode_create_alert(const CommandInput& in);      // POST  /v1/alerts
Decoded decode_list_alerts(const CommandInput& in);       // GET   /v1/alerts
Decoded decode_get_alert(const CommandInput& in);         // GET   /v1/alerts/{id}
Decoded decode_update_alert(const CommandInput& in);      // PATCH /v1/alerts/{id}
Decoded decode_resolve_alert(const CommandInput& in);     // POST  /v1/alerts/{id}:resolve
Decoded decode_cancel_alert(const CommandInput& in);      // POST  /v1/alerts/{id}:cancel
Decoded decode_list_recipients(const CommandInput& in);   // GET   /v1/alerts/{id}/recipients
Decoded decode_list_responses(const CommandInput& in);    // GET   /v1/alerts/{id}/responses
Decoded decode_list_audit(const CommandInput& in);        // GET   /v1/alerts/{id}/audit
Decoded decode_confirm_sighting(const CommandInput& in);  // POST  /v1/alerts/{id}/sightings/{n}:confirm
Decoded decode_forward_alert(const CommandInput& in);     // POST  /v1/alerts/{id}:forward
Decoded decode_list_devices(const CommandInput& in);      // GET   /v1/devices
Decoded decode_put_device(const CommandInput& in);        // PUT   /v1/devices/{id}
Decoded decode_get_device(const CommandInput& in);        // GET   /v1/devices/{id}
Decoded decode_trigger_device(const CommandInput& in);    // POST  /v1/devices/{id}/trigger (device token)

// Client text to quote in an error message: itself if printable UTF-8 of at most kMaxIdBytes bytes, else a
// placeholder (an ErrorBody must stay valid UTF-8, whatever the request held).
std::string echo(std::string_view text);

}  // namespace yihu::api
