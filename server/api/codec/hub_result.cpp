#include "api/codec/hub_result.h"

#include "api/codec/enum_codec.h"

namespace yihu::api {

v1::HubResult error_result(v1::ErrorCode code, std::string message, std::map<std::string, std::string> details) {
    v1::HubResult r;
    v1::ErrorBody* e = r.mutable_error();
    e->set_code(code);
    e->set_message(std::move(message));
    for (auto& [k, v] : details) (*e->mutable_details())[k] = std::move(v);
    if (code == v1::ERROR_CODE_UNAVAILABLE) r.set_retry_after_s(1);
    return r;
}

v1::HubResult error_result(const core::Error& error) {
    return error_result(to_proto(error.code), error.message);
}

}  // namespace yihu::api
