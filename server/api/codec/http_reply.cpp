#include "api/codec/http_reply.h"

#include "api/codec/enum_codec.h"
#include "api/codec/json_codec.h"
#include "yihu/v1/dispatcher.pb.h"

namespace yihu::api {

net::HttpResponse json_reply(unsigned status, const google::protobuf::Message& body) {
    net::HttpResponse r;
    r.status = status;
    r.body = to_json(body);
    return r;
}

net::HttpResponse error_reply(v1::ErrorCode code, std::string message, std::map<std::string, std::string> details) {
    v1::ErrorBody body;
    body.set_code(code);
    body.set_message(std::move(message));
    for (auto& [k, v] : details) (*body.mutable_details())[k] = v;
    net::HttpResponse r = json_reply(http_status(code), body);
    if (code == v1::ERROR_CODE_UNAVAILABLE) r.headers.emplace_back("Retry-After", "1");
    return r;
}

net::HttpResponse error_reply(const core::Error& error) {
    return error_reply(to_proto(error.code), error.message);
}

net::HttpResponse listener_error_reply(unsigned status, std::string_view code, std::string message) {
    v1::ErrorCode parsed = v1::ERROR_CODE_INTERNAL;
    if (!v1::ErrorCode_Parse("ERROR_CODE_" + std::string(code), &parsed)) parsed = v1::ERROR_CODE_INTERNAL;
    net::HttpResponse r = error_reply(parsed, std::move(message));
    r.status = status;
    return r;
}

}  // namespace yihu::api
