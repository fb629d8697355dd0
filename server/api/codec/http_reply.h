#pragma once

#include <google/protobuf/message.h>

#include <map>
#include <string>

#include "core/result.h"
#include "net/http_message.h"
#include "yihu/v1/common.pb.h"

namespace yihu::api {

// HTTP responses of the dispatcher API: JSON bodies in protobuf's mapping, errors as ErrorBody with the status the
// error code implies.
net::HttpResponse json_reply(unsigned status, const google::protobuf::Message& body);
net::HttpResponse error_reply(v1::ErrorCode code, std::string message, std::map<std::string, std::string> details = {});
net::HttpResponse error_reply(const core::Error& error);
// The ErrorBody for errors the listener produces itself (code given by name without the ERROR_CODE_ prefix).
net::HttpResponse listener_error_reply(unsigned status, std::string_view code, std::string message);

}  // namespace yihu::api
