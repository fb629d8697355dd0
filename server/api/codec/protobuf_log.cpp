#include "api/codec/protobuf_log.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

namespace yihu::api {

void route_protobuf_log_to_spdlog() {
    google::protobuf::SetLogHandler(
        [](google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
            if (level >= google::protobuf::LOGLEVEL_FATAL) {
                spdlog::critical("libprotobuf {}:{}: {}", file, line, message);
            } else {
                spdlog::debug("libprotobuf {}:{}: {}", file, line, message);
            }
        });
}

}  // namespace yihu::api
