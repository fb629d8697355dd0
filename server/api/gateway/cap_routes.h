#pragma once

#include "api/gateway/command_decoder.h"
#include "core/time.h"
#include "federation/cap_export.h"
#include "federation/cap_import.h"
#include "net/http_message.h"
#include "yihu/v1/commands.pb.h"

namespace yihu::api {

// The CAP 1.2 routes' halves on the I/O thread (docs/federation.md): XML is parsed, validated and written here, so
// the hub only ever sees typed commands and typed results.

// POST /v1/cap/alerts: Content-Type application/cap+xml (or application/xml, text/xml); the body through
// federation::import_cap (safe parse, OASIS schema, mapping by `config`) at `now`, then the ImportCap command. Every
// refusal is INVALID_ARGUMENT (400) with the importer's reason (or the geo error of a bad shape).
Decoded decode_import_cap(const CommandInput& in, const federation::CapImportConfig& config, core::Time now);

// GET /v1/cap/feed: the active alerts, newest first (at most the 200 newest).
Decoded decode_cap_feed(const CommandInput& in);

// GET /v1/alerts/{id}/cap's answer to the GetAlert result: the alert as a CAP document (application/cap+xml), or
// the hub's error as JSON.
net::HttpResponse cap_document_reply(const v1::HubResult& result, const federation::CapExportOptions& options);

// GET /v1/cap/feed's answer to the ListAlerts result: an Atom feed (application/atom+xml) linking each alert's CAP
// document, or the hub's error as JSON.
net::HttpResponse cap_feed_reply(const v1::HubResult& result, const federation::CapExportOptions& options,
                                 core::Time now);

}  // namespace yihu::api
