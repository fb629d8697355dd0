#pragma once

#include <string_view>

#include "core/result.h"
#include "federation/cap_export.h"
#include "federation/cap_import.h"

namespace yihu::federation {

// Reads the [cap] table of a TOML document into a CapImportConfig (docs/federation.md, "Configuration"):
//
//   [cap]
//   languages = ["zh", "en"]          # preferred <info> languages, in order (default ["zh"])
//   max_bytes = 4194304               # refuse larger documents unread (default 4 MiB)
//   default_kinds = true              # append KindTable::defaults() after the rules below (default true)
//   [[cap.kind]]                      # rules, first match wins; omitted fields match anything
//   category = "Met"
//   event = "Flood"
//   urgency = "Immediate"
//   kind = "disaster"                 # missing_person, missing_child, drowning, suspect, disaster, general
//   [[cap.geocode]]                   # what a geocode-only <area> stands for
//   value_name = "GB2260"
//   value = "371202"
//   circles = ["36.2,117.67 20"]      # CAP circle text: "lat,lon radius_km"
//   polygons = ["36.1,117.5 36.3,117.5 36.3,117.8 36.1,117.5"]   # CAP polygon text
//
// A document without [cap] gives the defaults. kInvalidArgument naming the key for anything malformed (unknown
// kind, bad shape, a geocode without shapes, wrong types, unknown keys).
core::Result<CapImportConfig> parse_cap_config(std::string_view toml_text);

// The whole [cap] table as a node reads it: the import rules above, and who this city is in the CAP it writes:
//
//   sender = "yihu.laiwu.example.cn"      # <sender> (default "yihu"): no spaces, commas, '<' or '&'
//   sender_name = "Laiwu dispatch"        # <senderName>; also the Atom feed's author (default: none)
//   export_language = "zh-CN"             # <language> of the exported <info> (default "zh-CN")
//   base_url = "https://yihu.laiwu.example.cn"   # links in <web> and the Atom feed (default: relative links)
struct CapSettings {
    CapImportConfig import;
    CapExportOptions export_options;
};
core::Result<CapSettings> parse_cap_settings(std::string_view toml_text);

}  // namespace yihu::federation
