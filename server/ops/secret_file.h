#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "ops/config.h"

namespace yihu::ops {

// The file a node generates its token secret into when none is configured.
inline constexpr std::string_view kTokenSecretFileName = "token-secret";

// The content of a secret file without its trailing newline(s) ("\n" or "\r\n", as editors and `echo` add them).
// kInvalidArgument if the file is missing, unreadable, empty or implausibly large (over 64 KiB).
core::Result<std::string> read_secret_file(const std::filesystem::path& path);

// <data_dir>/token-secret: read if it exists, otherwise created (with data_dir) holding 32 random bytes as 64 hex
// characters, mode 0600. Creation writes a temporary file and links it into place, so a crash never leaves a
// half-written secret and two processes starting together agree on one. kUnavailable if the file system fails.
core::Result<std::string> load_or_create_secret(const std::filesystem::path& data_dir);

enum class SecretMode : std::uint8_t {
    kReadOnly,         // tools: a missing generated secret is an error
    kCreateIfMissing,  // the server on start-up
};

// The token secret of a node configured with `auth` and `data_dir`: auth.token_secret, else the content of
// auth.token_secret_file, else <data_dir>/token-secret.
core::Result<std::string> configured_secret(const AuthConfig& auth, const std::filesystem::path& data_dir,
                                            SecretMode mode);

// Where a tool was told to find the secret (yihu-token's flags). `secret` and `secret_file` stand alone;
// `config_file` and `data_dir` combine as on the server (the directory overrides the file's store.data_dir). With
// nothing given: ./yihu-data/token-secret. Never creates a secret.
struct SecretLookup {
    std::optional<std::string> secret;
    std::optional<std::filesystem::path> secret_file;
    std::optional<std::filesystem::path> config_file;
    std::optional<std::filesystem::path> data_dir;
};

core::Result<std::string> lookup_secret(const SecretLookup& lookup);

}  // namespace yihu::ops
