#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/http_client.h"

namespace yihu::dispatch {

// A non-2xx answer of the dispatcher API, read from its ErrorBody. what() is the line the tool prints:
// "error 409 ALERT_CLOSED: alert is closed".
class ApiFailure : public std::runtime_error {
  public:
    ApiFailure(unsigned status, const std::string& body);
    unsigned status() const { return status_; }

  private:
    unsigned status_;
};

// The dispatcher REST API over one keep-alive connection, with the dispatcher's bearer token.
class DispatchApi {
  public:
    DispatchApi(std::string host, std::uint16_t port, std::string token);

    // Sends `body` (as JSON, if given) and parses a 2xx reply into `out` (if given; unknown fields are ignored, so a
    // newer server does not break the tool). Throws ApiFailure for a non-2xx reply, std::runtime_error when the
    // server cannot be reached or the reply is not the expected JSON.
    void call(std::string_view method, std::string_view target, const google::protobuf::Message* body,
              google::protobuf::Message* out);

    const std::string& host() const { return host_; }
    std::uint16_t port() const { return port_; }
    const std::string& token() const { return token_; }

  private:
    std::string host_;
    std::uint16_t port_;
    std::string token_;
    client::HttpClient http_;
};

// Percent-encodes a path segment or query value (RFC 3986 unreserved characters stay as they are).
std::string url_encode(std::string_view text);

}  // namespace yihu::dispatch
