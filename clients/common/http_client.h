#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace yihu::client {

// A synchronous HTTP/1.1 client for tools and tests: one keep-alive connection, reopened when the server has closed
// it. Not thread-safe: one caller at a time.
class HttpClient {
  public:
    struct Reply {
        unsigned status = 0;
        std::string body;
        std::map<std::string, std::string> headers;  // names lower-case; repeated fields joined with ", "
    };

    HttpClient(std::string host, std::uint16_t port);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request and waits for the reply; `timeout` bounds the whole exchange (connecting included). A
    // non-empty body is sent with `content_type`; a non-empty token as "Authorization: Bearer <token>".
    // Throws std::runtime_error when the server cannot be reached, the connection fails, or the timeout passes.
    Reply request(std::string_view method, std::string_view target, std::string_view body = {},
                  std::string_view bearer_token = {},
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                  std::string_view content_type = "application/json");

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace yihu::client
