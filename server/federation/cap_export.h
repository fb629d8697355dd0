#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "yihu/v1/alert.pb.h"

namespace yihu::federation {

// Who this city is when it speaks CAP.
struct CapExportOptions {
    std::string sender = "yihu";     // <sender>: unique per city, e.g. "yihu.dongguan.example.cn"
    std::string sender_name;         // <senderName>; empty: left out
    std::string language = "zh-CN";  // <language> of the <info>
    std::string base_url;            // e.g. "https://yihu.example.cn": <web> links to base_url + /v1/alerts/{id}
};

// The CAP <identifier> of one version of an alert: the alert id for version 1, "<id>.v<version>" after.
std::string cap_identifier(const v1::Alert& alert);

// An alert (as the dispatcher API shows it) as a CAP 1.2 <alert> document, valid against the OASIS schema. Version 1
// of an active alert is msgType Alert; a later version of an active alert is an Update and a closed alert a Cancel,
// both referencing version 1 ("sender,<id>,<created_at>"). docs/federation.md gives the whole mapping.
// kInvalidArgument if the alert has no id or a shape the mapping cannot write.
core::Result<std::string> to_cap_xml(const v1::Alert& alert, const CapExportOptions& options);

}  // namespace yihu::federation
