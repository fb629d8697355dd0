#include "ops/secret_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace yihu::ops {

namespace {

using core::ErrorCode;
using core::make_error;

constexpr std::size_t kMaxSecretFileSize = 64 << 10;
constexpr std::size_t kGeneratedSecretBytes = 32;

std::string errno_text() {
    return std::strerror(errno);
}

core::Error unavailable(const std::string& what) {
    return make_error(ErrorCode::kUnavailable, what + ": " + errno_text());
}

bool random_bytes(unsigned char* out, std::size_t n) {
    while (n > 0) {
        const ssize_t got = getrandom(out, n, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        out += got;
        n -= static_cast<std::size_t>(got);
    }
    return true;
}

// Writes `content` to a new file with mode 0600 and flushes it to disk.
bool write_private_file(const std::filesystem::path& path, const std::string& content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return false;
    // open()'s mode only applies to a file it creates; a stale temporary file keeps its own.
    bool ok = ::fchmod(fd, 0600) == 0;
    std::size_t written = 0;
    while (ok && written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) written += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return ok;
}

void sync_directory(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);  // best effort: the file is complete either way; this makes its name survive a power cut
    ::close(fd);
}

}  // namespace

core::Result<std::string> read_secret_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return make_error(ErrorCode::kInvalidArgument, "secret file " + path.string() + " does not exist");
    }
    if (std::filesystem::is_directory(path, ec)) {
        return make_error(ErrorCode::kInvalidArgument, "secret file " + path.string() + " is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return make_error(ErrorCode::kInvalidArgument,
                          "secret file " + path.string() + " cannot be read: " + errno_text());
    }
    std::string secret;
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        secret.append(buf, static_cast<std::size_t>(in.gcount()));
        if (secret.size() > kMaxSecretFileSize) {
            return make_error(ErrorCode::kInvalidArgument,
                              "secret file " + path.string() + " is larger than 64 KiB: is it the right file?");
        }
    }
    if (in.bad()) {
        return make_error(ErrorCode::kInvalidArgument, "secret file " + path.string() + " cannot be read");
    }
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.empty()) return make_error(ErrorCode::kInvalidArgument, "secret file " + path.string() + " is empty");
    return secret;
}

core::Result<std::string> load_or_create_secret(const std::filesystem::path& data_dir) {
    const std::filesystem::path path = data_dir / kTokenSecretFileName;
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(path, ec))) return read_secret_file(path);

    std::filesystem::create_directories(data_dir, ec);
    if (ec) {
        return make_error(ErrorCode::kUnavailable,
                          "cannot create data directory " + data_dir.string() + ": " + ec.message());
    }
    unsigned char bytes[kGeneratedSecretBytes];
    if (!random_bytes(bytes, sizeof bytes)) return unavailable("cannot read random bytes for the token secret");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string secret;
    for (unsigned char b : bytes) {
        secret += kHex[b >> 4];
        secret += kHex[b & 0xf];
    }

    const std::filesystem::path temp =
        data_dir / (std::string(kTokenSecretFileName) + ".tmp-" + std::to_string(::getpid()));
    if (!write_private_file(temp, secret + "\n")) {
        const core::Error error = unavailable("cannot write " + temp.string());
        ::unlink(temp.c_str());
        return error;
    }
    // link() never replaces an existing name: if another process created the secret meanwhile, use theirs.
    const int linked = ::link(temp.c_str(), path.c_str());
    const int link_errno = errno;
    ::unlink(temp.c_str());
    if (linked != 0) {
        if (link_errno == EEXIST) return read_secret_file(path);
        errno = link_errno;
        return unavailable("cannot create " + path.string());
    }
    sync_directory(data_dir);
    return secret;
}

core::Result<std::string> configured_secret(const AuthConfig& auth, const std::filesystem::path& data_dir,
                                            SecretMode mode) {
    if (!auth.token_secret.empty()) return auth.token_secret;
    if (!auth.token_secret_file.empty()) return read_secret_file(auth.token_secret_file);
    if (mode == SecretMode::kCreateIfMissing) return load_or_create_secret(data_dir);
    const std::filesystem::path path = data_dir / kTokenSecretFileName;
    auto secret = read_secret_file(path);
    if (!secret && !std::filesystem::exists(path)) {
        return make_error(ErrorCode::kInvalidArgument,
                          "no token secret at " + path.string() +
                              " (the server creates it on first start; or give the secret or its file)");
    }
    return secret;
}

core::Result<std::string> lookup_secret(const SecretLookup& lookup) {
    const bool located = lookup.config_file || lookup.data_dir;
    if (lookup.secret && (lookup.secret_file || located)) {
        return make_error(ErrorCode::kInvalidArgument,
                          "a secret was given directly: do not also name where to find it");
    }
    if (lookup.secret_file && located) {
        return make_error(ErrorCode::kInvalidArgument,
                          "a secret file was given: do not also give a config or data dir");
    }
    if (lookup.secret) {
        if (lookup.secret->empty()) return make_error(ErrorCode::kInvalidArgument, "the secret is empty");
        return *lookup.secret;
    }
    if (lookup.secret_file) return read_secret_file(*lookup.secret_file);
    Config config;
    if (lookup.config_file) {
        auto loaded = load_config_file(*lookup.config_file);
        if (!loaded) return loaded.error();
        config = std::move(*loaded);
    }
    if (lookup.data_dir) config.store.data_dir = *lookup.data_dir;
    return configured_secret(config.auth, config.store.data_dir, SecretMode::kReadOnly);
}

}  // namespace yihu::ops
