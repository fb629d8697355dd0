#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "api/auth/token.h"
#include "core/result.h"

namespace yihu::tools {

// Where a tool finds the server's token secret: --secret, else --data-dir DIR (DIR/token-secret), else
// ./yihu-data/token-secret (the server's default data directory). Never creates a secret.
struct SecretFlags {
    std::optional<std::string> secret;
    std::optional<std::string> data_dir;
};

core::Result<std::string> load_secret(const SecretFlags& flags);

// A token for `claims` (times are filled in: issued now, valid for `ttl`), signed like yihu-token signs.
std::string mint_token(api::Claims claims, const std::string& secret, std::chrono::seconds ttl);

}  // namespace yihu::tools
