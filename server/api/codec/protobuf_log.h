#pragma once

namespace yihu::api {

// Sends libprotobuf's own log lines to spdlog at debug level (fatal ones at critical). A stranger's frame with
// invalid UTF-8 in a string field makes libprotobuf print an error line per message on stderr; the session already
// answers it with a typed error, so it is not something for the operator's log. Idempotent; call at start-up.
void route_protobuf_log_to_spdlog();

}  // namespace yihu::api
