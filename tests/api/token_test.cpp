#include "api/auth/token.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "api/auth/base64url.h"

namespace yihu::api {
namespace {

// Made with PyJWT 2.6 (an independent implementation) for secret "dongguan-test-secret".
constexpr std::string_view kPyJwtToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJ2LTEwMjkzIiwicm9sZSI6InZvbHVudGVlciIsInRpZXIiOiJyZWdpc3RlcmVkIiwic2tpbGxzIjpbInN3aW1tZXIiLCJmaXJzdF9h"
    "aWQiXSwidGVhbXMiOlsidGFuZ3hpYS0zIl0sImlhdCI6MTc5NTMxMjgwMCwiZXhwIjoxNzk1MzE2NDAwfQ."
    "bZyKn5J4l9HPTwmQVpo2OCQ2Uak_gz01sS0DCNhbWHA";
constexpr std::string_view kSecret = "dongguan-test-secret";
const core::Time kIssued = core::time_from_ms(1'795'312'800'000);
const core::Time kExpiry = core::time_from_ms(1'795'316'400'000);

TEST(Token, VerifiesATokenFromAnotherImplementation) {
    const VerifiedToken t = verify_token(kPyJwtToken, kSecret, kIssued);
    ASSERT_TRUE(t.ok()) << to_string(t.error);
    EXPECT_EQ(t.claims.subject, "v-10293");
    EXPECT_EQ(t.claims.role, Role::kVolunteer);
    EXPECT_EQ(t.claims.tier, core::Tier::kRegistered);
    EXPECT_EQ(t.claims.skills, (std::vector<std::string>{"swimmer", "first_aid"}));
    EXPECT_EQ(t.claims.teams, (std::vector<std::string>{"tangxia-3"}));
    EXPECT_EQ(t.claims.expires_at, 1'795'316'400);
}

TEST(Token, ExpiresAfterItsExpSecond) {
    EXPECT_TRUE(verify_token(kPyJwtToken, kSecret, kExpiry + std::chrono::milliseconds(999)).ok());
    EXPECT_EQ(verify_token(kPyJwtToken, kSecret, kExpiry + std::chrono::seconds(1)).error, TokenError::kExpired);
}

TEST(Token, RejectsWrongSecretAndTampering) {
    EXPECT_EQ(verify_token(kPyJwtToken, "another-secret", kIssued).error, TokenError::kBadSignature);
    // Same header and signature, payload claiming another subject.
    std::string forged(kPyJwtToken);
    const auto dot1 = forged.find('.');
    const auto dot2 = forged.find('.', dot1 + 1);
    forged.replace(dot1 + 1, dot2 - dot1 - 1,
                   base64url_encode(R"({"sub":"d-1","role":"dispatcher","exp":1795316400})"));
    EXPECT_EQ(verify_token(forged, kSecret, kIssued).error, TokenError::kBadSignature);
}

TEST(Token, RejectsOtherAlgorithmsIncludingNone) {
    // HS384 from PyJWT: a valid token, but not the algorithm we accept.
    EXPECT_EQ(verify_token("eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ2LTEiLCJyb2xlIjoidm9sdW50ZWVyIiwiZXhwIjox"
                           "Nzk1MzE2NDAwfQ.mfbsstFkRcRAxrRezyn69wSSOyBf4FP3FMGMytYtfFbzbW3vvTW3xgZ3hz0W9kjS",
                           "k", kIssued)
                  .error,
              TokenError::kUnsupportedAlg);
    const std::string none = base64url_encode(R"({"alg":"none"})") + "." +
                             base64url_encode(R"({"sub":"d-1","role":"dispatcher","exp":1795316400})") + ".";
    EXPECT_EQ(verify_token(none, kSecret, kIssued).error, TokenError::kUnsupportedAlg);
}

TEST(Token, RejectsMalformedTokens) {
    for (std::string_view bad : {"", ".", "..", "abc", "a.b", "a.b.c.d", "!!!.???.***", "eyJhbGciOiJIUzI1NiJ9.e30"}) {
        EXPECT_EQ(verify_token(bad, kSecret, kIssued).error, TokenError::kMalformed) << bad;
    }
    const std::string not_json = base64url_encode(R"({"alg":"HS256"})") + "." + base64url_encode("not json");
    EXPECT_EQ(verify_token(not_json + "." + base64url_encode("x"), kSecret, kIssued).error, TokenError::kBadSignature);
}

TEST(Token, SignsWhatItVerifiesAndChecksClaims) {
    Claims c{.subject = "d-7", .role = Role::kDispatcher, .tier = core::Tier::kVetted, .expires_at = 1'795'316'400};
    const VerifiedToken t = verify_token(sign_token(c, kSecret), kSecret, kIssued);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t.claims.role, Role::kDispatcher);
    EXPECT_EQ(t.claims.tier, core::Tier::kVetted);
    c.subject = "";
    EXPECT_EQ(verify_token(sign_token(c, kSecret), kSecret, kIssued).error, TokenError::kInvalidClaim);
}

TEST(Base64url, RoundTripsEveryLength) {
    std::string bytes;
    for (int n = 0; n < 40; ++n) {
        EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
        bytes += static_cast<char>(n * 37);
    }
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_FALSE(base64url_decode("a"));
    EXPECT_FALSE(base64url_decode("ab=c"));
}

}  // namespace
}  // namespace yihu::api

namespace yihu::api {
namespace {

TEST(Base64url, RefusesNonZeroTrailingBits) {
    // "AA" is one zero byte with 4 bits to spare; "AB".."AP" set them and once decoded to the same byte.
    ASSERT_EQ(base64url_decode("AA"), std::string(1, '\0'));
    for (const char* text : {"AB", "AP", "AAB", "AAD"}) EXPECT_FALSE(base64url_decode(text)) << text;
    EXPECT_EQ(base64url_decode("AAA"), std::string(2, '\0'));
    EXPECT_FALSE(base64url_decode("AA=="));  // padding is not base64url's
}

TEST(Token, OneTokenHasOneSpelling) {
    // The signature's last character carries 2 spare bits: 'A'..'D' differ only there.
    std::string token(kPyJwtToken);
    ASSERT_EQ(token.back(), 'A');
    for (char last : {'B', 'C', 'D'}) {
        token.back() = last;
        EXPECT_EQ(verify_token(token, kSecret, kIssued).error, TokenError::kMalformed) << last;
    }
}

Claims policy_claims(std::string issuer, std::string audience) {
    Claims c;
    c.subject = "d-1";
    c.role = Role::kDispatcher;
    c.issued_at = 1'795'312'800;
    c.expires_at = 1'795'316'400;
    c.issuer = std::move(issuer);
    c.audience = std::move(audience);
    return c;
}

TEST(Token, IssuerAndAudienceAreCheckedWhenConfigured) {
    const TokenPolicy policy{.issuer = "dongguan-police", .audience = "yihu"};
    const std::string good = sign_token(policy_claims("dongguan-police", "yihu"), kSecret);
    const VerifiedToken ok = verify_token(good, kSecret, kIssued, policy);
    ASSERT_TRUE(ok.ok()) << to_string(ok.error);
    EXPECT_EQ(ok.claims.issuer, "dongguan-police");
    EXPECT_EQ(ok.claims.audience, "yihu");
    EXPECT_EQ(verify_token(sign_token(policy_claims("jinan-police", "yihu"), kSecret), kSecret, kIssued, policy).error,
              TokenError::kWrongIssuer);
    EXPECT_EQ(
        verify_token(sign_token(policy_claims("dongguan-police", "other"), kSecret), kSecret, kIssued, policy).error,
        TokenError::kWrongIssuer);
    EXPECT_EQ(verify_token(sign_token(policy_claims("", ""), kSecret), kSecret, kIssued, policy).error,
              TokenError::kWrongIssuer);
    // Without a policy, neither is required.
    EXPECT_TRUE(verify_token(sign_token(policy_claims("", ""), kSecret), kSecret, kIssued).ok());
}

TEST(Token, AudienceMayBeAnArray) {
    const std::string input =
        base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
        base64url_encode(R"({"sub":"d-1","role":"dispatcher","exp":1795316400,"aud":["console","yihu"]})");
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
    const std::string token = input + "." + base64url_encode(std::string(reinterpret_cast<const char*>(mac), len));
    EXPECT_TRUE(verify_token(token, kSecret, kIssued, TokenPolicy{.audience = "yihu"}).ok());
    EXPECT_EQ(verify_token(token, kSecret, kIssued, TokenPolicy{.audience = "other"}).error, TokenError::kWrongIssuer);
}

}  // namespace
}  // namespace yihu::api
