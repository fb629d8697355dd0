// libFuzzer: a bearer token as a stranger sends it (Authorization header, Hello.token), and base64url on its own.
// Properties: verification never crashes; a part that decodes re-encodes to the same text (one spelling per token).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/auth/base64url.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto decoded = yihu::api::base64url_decode(text);
    if (decoded && yihu::api::base64url_encode(*decoded) != text) std::abort();  // a second spelling
    const yihu::api::VerifiedToken verified = yihu::api::verify_token(
        text, yihu::fuzz::kSecret, yihu::fuzz::kNow, yihu::api::TokenPolicy{.issuer = "", .audience = "yihu"});
    // The only way to get a valid token is to have the secret: the fuzzer cannot, unless it copies a seed.
    if (verified.ok() && verified.claims.subject.empty()) std::abort();
    return 0;
}
