#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace yihu::api {

// Base64url without padding (RFC 4648 section 5), as JWTs use it.
std::string base64url_encode(std::string_view bytes);
// nullopt on a character outside the alphabet or an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace yihu::api
