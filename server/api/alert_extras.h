#pragma once

#include <string>
#include <vector>

#include "yihu/v1/common.pb.h"
#include "yihu/v1/storage.pb.h"

namespace yihu::api {

// What a dispatcher says about an alert that the lifecycle engine does not act on but volunteers and dispatchers
// see: the CAP scales, the instruction, sharing, and the names behind the engine's skill bits and team number.
struct AlertExtras {
    v1::Urgency urgency = v1::URGENCY_UNSPECIFIED;
    v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
    v1::Certainty certainty = v1::CERTAINTY_UNSPECIFIED;
    std::string instruction;
    bool shared = false;
    bool exercise = false;
    std::string origin;     // the city that created it
    std::string closed_by;  // the dispatcher who resolved or cancelled it (empty: expired)
    // Where it stands with the neighbouring cities (docs/federation.md): kept as its stored form, which is all it is.
    v1::StoredFederation federation;
};

}  // namespace yihu::api
