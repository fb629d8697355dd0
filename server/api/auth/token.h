#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/index/volunteer.h"
#include "core/time.h"

namespace yihu::api {

// Who a token speaks for. The server keeps no password database: identity comes from tokens signed with a configured
// key by whoever runs the volunteer organisation's accounts.
enum class Role : std::uint8_t { kVolunteer, kDispatcher, kDevice, kPeer };

std::string_view to_string(Role role);
bool parse_role(std::string_view text, Role& out);

struct Claims {
    std::string subject;  // "sub": the volunteer, dispatcher, device or peer id
    Role role = Role::kVolunteer;
    std::vector<std::string> skills;
    core::Tier tier = core::Tier::kPublic;
    std::vector<std::string> teams;
    std::int64_t issued_at = 0;   // "iat", seconds since the epoch
    std::int64_t expires_at = 0;  // "exp", seconds since the epoch
    std::string issuer;           // "iss"; empty: none (sign_token leaves it out)
    std::string audience;         // "aud"; empty: none
};

// Checks beyond the signature that a deployment may ask for (auth.issuer, auth.audience). Empty: not checked.
struct TokenPolicy {
    std::string issuer;    // the token's "iss" must equal it
    std::string audience;  // the token's "aud" (a string, or an array of strings) must be or contain it
};

enum class TokenError : std::uint8_t {
    kOk,
    kMalformed,       // not three base64url parts of JSON
    kUnsupportedAlg,  // anything but HS256 ("none" included)
    kBadSignature,
    kExpired,
    kMissingClaim,  // no sub, role or exp
    kInvalidClaim,  // a claim of the wrong type or value
    kWrongIssuer,   // "iss" or "aud" absent or not the configured one (TokenPolicy)
};

std::string_view to_string(TokenError error);

struct VerifiedToken {
    TokenError error = TokenError::kOk;
    Claims claims;
    bool ok() const { return error == TokenError::kOk; }
};

// Verifies an HS256 JWT (RFC 7519) against `secret` at `now`: signature in constant time, then expiry (a token is
// valid up to and including its exp second), then the claims yihu needs, then `policy`. Each part must be canonical
// unpadded base64url (RFC 4648 section 5, no '=' and zero trailing bits), so one token has one spelling.
VerifiedToken verify_token(std::string_view token, std::string_view secret, core::Time now,
                           const TokenPolicy& policy = {});

// Signs claims as an HS256 JWT. Used by yihu-token and the tests.
std::string sign_token(const Claims& claims, std::string_view secret);

}  // namespace yihu::api
