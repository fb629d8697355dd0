#include "api/codec/json_codec.h"

#include <google/protobuf/util/json_util.h>

namespace yihu::api {

core::Status parse_json(std::string_view json, google::protobuf::Message& out, bool ignore_unknown) {
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = ignore_unknown;
    auto status = google::protobuf::util::JsonStringToMessage(std::string(json), &out, options);
    if (!status.ok()) {
        return core::make_error(core::ErrorCode::kInvalidArgument, std::string(status.message()));
    }
    return core::Status::Ok();
}

std::string to_json(const google::protobuf::Message& message) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = false;
    std::string out;
    // Printing a message we built cannot fail (it can only fail on invalid UTF-8 in strings, which parsing rejects).
    (void)google::protobuf::util::MessageToJsonString(message, &out, options);
    return out;
}

}  // namespace yihu::api
