#include "tools/token_source.h"

#include "ops/secret_file.h"

namespace yihu::tools {

core::Result<std::string> load_secret(const SecretFlags& flags) {
    ops::SecretLookup lookup;
    lookup.secret = flags.secret;
    if (flags.data_dir) lookup.data_dir = *flags.data_dir;
    return ops::lookup_secret(lookup);
}

std::string mint_token(api::Claims claims, const std::string& secret, std::chrono::seconds ttl) {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    claims.issued_at = now.count();
    claims.expires_at = (now + ttl).count();
    return api::sign_token(claims, secret);
}

}  // namespace yihu::tools
