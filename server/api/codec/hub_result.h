#pragma once

#include <map>
#include <string>

#include "core/result.h"
#include "yihu/v1/commands.pb.h"

namespace yihu::api {

// A HubResult that reports a failure: the wire code, a message a person can read, and machine-readable particulars
// (ErrorBody.details). The gateway turns it into the code's HTTP status; UNAVAILABLE carries when to retry.
v1::HubResult error_result(v1::ErrorCode code, std::string message, std::map<std::string, std::string> details = {});
v1::HubResult error_result(const core::Error& error);

}  // namespace yihu::api
