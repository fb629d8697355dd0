#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace yihu::net {

// An HTTP request as the application sees it: parsed, bounded (the listener enforces the body limit), and free of
// Beast types so that the API layer compiles without Asio/Beast headers.
struct HttpRequest {
    std::string method;                             // "GET", "POST", "PATCH", ...
    std::string target;                             // as sent: "/v1/alerts?pageSize=10"
    std::string path;                               // percent-decoded path without the query: "/v1/alerts"
    std::multimap<std::string, std::string> query;  // percent-decoded query parameters
    std::map<std::string, std::string> headers;     // field names lower-cased
    std::string body;
    std::string remote;  // "127.0.0.1:53122", for logs

    // The value of a header (name lower-case), or "" when absent.
    const std::string& header(const std::string& name) const;
    // The bearer token of the Authorization header, or "" when there is none.
    std::string bearer_token() const;
    // The first value of a query parameter, or "" when absent.
    std::string query_value(const std::string& name) const;
};

struct HttpResponse {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra fields (Retry-After, Location, ...)
};

}  // namespace yihu::net
