#include "api/gateway/cap_routes.h"

#include <algorithm>

#include "api/codec/enum_codec.h"
#include "api/codec/hub_result.h"
#include "api/codec/result_reply.h"
#include "api/codec/time_codec.h"
#include "federation/atom_feed.h"
#include "federation/cap_requests.h"

namespace yihu::api {

namespace {

constexpr std::uint32_t kFeedSize = 200;  // the largest page the hub gives

v1::ErrorBody invalid(std::string message) {
    v1::ErrorBody e;
    e.set_code(v1::ERROR_CODE_INVALID_ARGUMENT);
    e.set_message(std::move(message));
    return e;
}

// The media type without parameters, lower-cased: "Application/CAP+XML; charset=utf-8" -> "application/cap+xml".
std::string media_type(std::string_view content_type) {
    std::string out(content_type.substr(0, std::min(content_type.find(';'), content_type.size())));
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    for (char& ch : out) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return out;
}

void set_key(const federation::CapKey& key, v1::CapKey* out) {
    out->set_sender(key.sender);
    out->set_identifier(key.identifier);
}

net::HttpResponse xml(std::string body, std::string content_type) {
    net::HttpResponse r;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

}  // namespace

Decoded decode_import_cap(const CommandInput& in, const federation::CapImportConfig& config, core::Time now) {
    const std::string type = media_type(in.http.header("content-type"));
    if (type != "application/cap+xml" && type != "application/xml" && type != "text/xml") {
        return invalid("Content-Type must be application/cap+xml, not " +
                       (type.empty() ? std::string("(none)") : echo(type)));
    }
    auto imported = federation::import_cap(in.http.body, config, now);
    if (!imported) {
        v1::ErrorBody e;
        e.set_code(to_proto(imported.error().code));
        e.set_message(imported.error().message);
        return e;
    }
    const federation::ImportedCap& m = *imported;
    v1::HubCommand c;
    v1::ImportCap* command = c.mutable_import_cap();
    set_key(m.key, command->mutable_key());
    for (const federation::CapReference& r : m.references) set_key(r.key, command->add_references());
    to_proto(m.sent, command->mutable_sent());
    switch (m.type) {
        case federation::CapMsgType::kAlert:
            command->set_msg_type(v1::ImportCap::MSG_TYPE_ALERT);
            *command->mutable_create() = federation::to_create_request(m, now);
            break;
        case federation::CapMsgType::kUpdate:
            command->set_msg_type(v1::ImportCap::MSG_TYPE_UPDATE);
            *command->mutable_update() = federation::to_update_request(m, "");
            break;
        case federation::CapMsgType::kCancel:
            command->set_msg_type(v1::ImportCap::MSG_TYPE_CANCEL);
            command->set_cancel_reason(federation::to_cancel_request(m, "").reason());
            break;
    }
    return c;
}

Decoded decode_cap_feed(const CommandInput&) {
    v1::HubCommand c;
    v1::ListAlerts* list = c.mutable_list_alerts();
    list->add_states(v1::ALERT_STATE_ACTIVE);
    list->mutable_page()->set_size(kFeedSize);
    return c;
}

net::HttpResponse cap_document_reply(const v1::HubResult& result, const federation::CapExportOptions& options) {
    if (!result.has_alert_detail()) return result_reply(result);
    auto document = federation::to_cap_xml(result.alert_detail().alert(), options);
    if (!document) return result_reply(error_result(document.error()));
    return xml(std::move(*document), "application/cap+xml");
}

net::HttpResponse cap_feed_reply(const v1::HubResult& result, const federation::CapExportOptions& options,
                                 core::Time now) {
    if (!result.has_alerts()) return result_reply(result);
    std::vector<v1::Alert> alerts;
    alerts.reserve(static_cast<std::size_t>(result.alerts().alerts_size()));
    for (const v1::AlertDetail& d : result.alerts().alerts()) alerts.push_back(d.alert());
    federation::AtomFeedOptions feed;
    feed.base_url = options.base_url;
    if (!options.sender_name.empty()) feed.author = options.sender_name;
    return xml(federation::to_atom_feed(alerts, feed, now), "application/atom+xml");
}

}  // namespace yihu::api
