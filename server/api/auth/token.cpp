#include "api/auth/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "api/auth/base64url.h"

namespace yihu::api {

namespace json = boost::json;

std::string_view to_string(Role role) {
    switch (role) {
        case Role::kVolunteer:
            return "volunteer";
        case Role::kDispatcher:
            return "dispatcher";
        case Role::kDevice:
            return "device";
        case Role::kPeer:
            return "peer";
    }
    return "unknown";
}

bool parse_role(std::string_view text, Role& out) {
    for (Role r : {Role::kVolunteer, Role::kDispatcher, Role::kDevice, Role::kPeer}) {
        if (text == to_string(r)) {
            out = r;
            return true;
        }
    }
    return false;
}

std::string_view to_string(TokenError error) {
    switch (error) {
        case TokenError::kOk:
            return "ok";
        case TokenError::kMalformed:
            return "token is malformed";
        case TokenError::kUnsupportedAlg:
            return "token algorithm must be HS256";
        case TokenError::kBadSignature:
            return "token signature does not verify";
        case TokenError::kExpired:
            return "token has expired";
        case TokenError::kMissingClaim:
            return "token lacks sub, role or exp";
        case TokenError::kInvalidClaim:
            return "token has an invalid claim";
        case TokenError::kWrongIssuer:
            return "token issuer or audience is not the one this server accepts";
    }
    return "unknown";
}

namespace {

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), mac, &len);
    return std::string(reinterpret_cast<const char*>(mac), len);
}

bool string_array(const json::value* v, std::vector<std::string>& out) {
    if (!v) return true;
    if (!v->is_array()) return false;
    for (const json::value& e : v->as_array()) {
        if (!e.is_string()) return false;
        out.emplace_back(e.as_string());
    }
    return true;
}

bool int_claim(const json::value* v, std::int64_t& out) {
    if (!v) return false;
    if (v->is_int64()) {
        out = v->as_int64();
        return true;
    }
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        out = static_cast<std::int64_t>(v->as_uint64());
        return true;
    }
    return false;
}

// "aud" is a string or an array of strings (RFC 7519 section 4.1.3).
bool audience_matches(const json::value* aud, std::string_view wanted) {
    if (!aud) return false;
    if (aud->is_string()) return aud->as_string() == wanted;
    if (!aud->is_array()) return false;
    for (const json::value& e : aud->as_array()) {
        if (e.is_string() && e.as_string() == wanted) return true;
    }
    return false;
}

}  // namespace

VerifiedToken verify_token(std::string_view token, std::string_view secret, core::Time now, const TokenPolicy& policy) {
    VerifiedToken result;
    const auto dot1 = token.find('.');
    const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
        result.error = TokenError::kMalformed;
        return result;
    }
    const auto header = base64url_decode(token.substr(0, dot1));
    const auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    const auto signature = base64url_decode(token.substr(dot2 + 1));
    if (!header || !payload || !signature) {
        result.error = TokenError::kMalformed;
        return result;
    }
    boost::system::error_code ec;
    const json::value h = json::parse(*header, ec);
    if (ec || !h.is_object()) {
        result.error = TokenError::kMalformed;
        return result;
    }
    const json::value* alg = h.as_object().if_contains("alg");
    if (!alg || !alg->is_string() || alg->as_string() != "HS256") {
        result.error = TokenError::kUnsupportedAlg;
        return result;
    }
    // Constant-time comparison: a timing side channel must not reveal how much of a forged signature was right.
    const std::string expected = hmac_sha256(secret, token.substr(0, dot2));
    if (signature->size() != expected.size() ||
        CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
        result.error = TokenError::kBadSignature;
        return result;
    }
    const json::value p = json::parse(*payload, ec);
    if (ec || !p.is_object()) {
        result.error = TokenError::kMalformed;
        return result;
    }
    const json::object& o = p.as_object();
    Claims& c = result.claims;
    const json::value* sub = o.if_contains("sub");
    const json::value* role = o.if_contains("role");
    if (!sub || !role || !o.if_contains("exp")) {
        result.error = TokenError::kMissingClaim;
        return result;
    }
    if (!sub->is_string() || sub->as_string().empty() || !role->is_string() ||
        !parse_role(std::string_view(role->as_string()), c.role) || !int_claim(o.if_contains("exp"), c.expires_at)) {
        result.error = TokenError::kInvalidClaim;
        return result;
    }
    c.subject = std::string(sub->as_string());
    if (o.if_contains("iat") && !int_claim(o.if_contains("iat"), c.issued_at)) {
        result.error = TokenError::kInvalidClaim;
        return result;
    }
    if (!string_array(o.if_contains("skills"), c.skills) || !string_array(o.if_contains("teams"), c.teams)) {
        result.error = TokenError::kInvalidClaim;
        return result;
    }
    if (const json::value* tier = o.if_contains("tier")) {
        if (!tier->is_string()) {
            result.error = TokenError::kInvalidClaim;
            return result;
        }
        const std::string_view t = tier->as_string();
        if (t == "public") {
            c.tier = core::Tier::kPublic;
        } else if (t == "registered") {
            c.tier = core::Tier::kRegistered;
        } else if (t == "vetted") {
            c.tier = core::Tier::kVetted;
        } else {
            result.error = TokenError::kInvalidClaim;
            return result;
        }
    }
    for (const char* name : {"iss", "aud"}) {
        const json::value* v = o.if_contains(name);
        if (v && !(v->is_string() || (name == std::string_view("aud") && v->is_array()))) {
            result.error = TokenError::kInvalidClaim;
            return result;
        }
    }
    if (const json::value* iss = o.if_contains("iss")) c.issuer = std::string(iss->as_string());
    if (const json::value* aud = o.if_contains("aud"); aud && aud->is_string())
        c.audience = std::string(aud->as_string());
    if (core::to_ms(now) / 1000 > c.expires_at) {
        result.error = TokenError::kExpired;
        return result;
    }
    if ((!policy.issuer.empty() && c.issuer != policy.issuer) ||
        (!policy.audience.empty() && !audience_matches(o.if_contains("aud"), policy.audience))) {
        result.error = TokenError::kWrongIssuer;
        return result;
    }
    return result;
}

std::string sign_token(const Claims& claims, std::string_view secret) {
    static constexpr std::string_view kTierNames[] = {"public", "registered", "vetted"};
    json::object payload;
    payload["sub"] = claims.subject;
    payload["role"] = std::string(to_string(claims.role));
    payload["tier"] = std::string(kTierNames[static_cast<int>(claims.tier)]);
    payload["iat"] = claims.issued_at;
    payload["exp"] = claims.expires_at;
    if (!claims.issuer.empty()) payload["iss"] = claims.issuer;
    if (!claims.audience.empty()) payload["aud"] = claims.audience;
    json::array skills, teams;
    for (const auto& s : claims.skills) skills.emplace_back(s);
    for (const auto& t : claims.teams) teams.emplace_back(t);
    payload["skills"] = std::move(skills);
    payload["teams"] = std::move(teams);
    const std::string signing_input =
        base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(json::serialize(payload));
    return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

}  // namespace yihu::api
