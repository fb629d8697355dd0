#pragma once

// Internal to server/net: between Beast's messages and the plain structs the application sees.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

#include "net/http_message.h"

namespace yihu::net::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

inline constexpr std::string_view kServerName = "yihu";

// Copies everything but the body (moved out of `request` when `take_body`). nullopt when the target is not in origin
// form ("/path?query") or is badly percent-encoded.
std::optional<HttpRequest> to_http_request(BeastRequest& request, const std::string& remote, bool take_body);

// `version` and `keep_alive` follow the request being answered.
BeastResponse to_beast_response(HttpResponse response, unsigned version, bool keep_alive);

}  // namespace yihu::net::detail
