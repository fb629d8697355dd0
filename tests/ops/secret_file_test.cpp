#include "ops/secret_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/temp_dir.h"

namespace yihu::ops {
namespace {

#define EXPECT_CONTAINS(text, part) \
    EXPECT_NE(std::string(text).find(part), std::string::npos) << "'" << (text) << "' lacks '" << (part) << "'"

unsigned mode_of(const std::filesystem::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
}

TEST(ReadSecretFile, TrimsTrailingNewlines) {
    testing::TempDir dir;
    EXPECT_EQ(*read_secret_file(dir.write("a", "abc\n")), "abc");
    EXPECT_EQ(*read_secret_file(dir.write("b", "abc\r\n")), "abc");
    EXPECT_EQ(*read_secret_file(dir.write("c", "abc\n\n")), "abc");
    EXPECT_EQ(*read_secret_file(dir.write("d", "abc")), "abc");
    EXPECT_EQ(*read_secret_file(dir.write("e", " a b \n")), " a b ");  // only newlines: spaces may be key material
}

TEST(ReadSecretFile, RejectsEmptyMissingAndHugeFiles) {
    testing::TempDir dir;
    EXPECT_CONTAINS(read_secret_file(dir.write("empty", "")).error().message, "is empty");
    EXPECT_CONTAINS(read_secret_file(dir.write("newline", "\n")).error().message, "is empty");
    EXPECT_CONTAINS(read_secret_file(dir.path() / "none").error().message, "does not exist");
    EXPECT_CONTAINS(read_secret_file(dir.path()).error().message, "is a directory");
    EXPECT_CONTAINS(read_secret_file(dir.write("huge", std::string(100'000, 'x'))).error().message, "64 KiB");
}

TEST(LoadOrCreateSecret, CreatesAPrivateRandomSecretOnce) {
    testing::TempDir dir;
    const auto data_dir = dir.path() / "nested" / "data";  // created as needed
    auto first = load_or_create_secret(data_dir);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->size(), 64u);
    EXPECT_EQ(first->find_first_not_of("0123456789abcdef"), std::string::npos);
    const auto file = data_dir / kTokenSecretFileName;
    EXPECT_EQ(mode_of(file), 0600u);
    EXPECT_EQ(*read_secret_file(file), *first);
    // Only the secret is left behind: no temporary files.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(data_dir), std::filesystem::directory_iterator()), 1);

    auto again = load_or_create_secret(data_dir);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *first);

    testing::TempDir other;
    EXPECT_NE(*load_or_create_secret(other.path()), *first);
}

TEST(LoadOrCreateSecret, ReusesAnExistingSecretAndRejectsAnEmptyOne) {
    testing::TempDir dir;
    dir.write(std::string(kTokenSecretFileName), "operator-chosen\n");
    EXPECT_EQ(*load_or_create_secret(dir.path()), "operator-chosen");
    dir.write(std::string(kTokenSecretFileName), "");
    // An empty file is a mistake to fix, not a reason to silently invalidate every token issued so far.
    EXPECT_CONTAINS(load_or_create_secret(dir.path()).error().message, "is empty");
}

TEST(LoadOrCreateSecret, IgnoresTheUmask) {
    testing::TempDir dir;
    const mode_t old = ::umask(0);
    auto secret = load_or_create_secret(dir.path());
    ::umask(old);
    ASSERT_TRUE(secret.ok());
    EXPECT_EQ(mode_of(dir.path() / kTokenSecretFileName), 0600u);
}

TEST(ConfiguredSecret, InlineThenFileThenDataDir) {
    testing::TempDir dir;
    AuthConfig auth;
    auth.token_secret = "inline";
    auth.token_secret_file = dir.write("file", "from-file\n");
    EXPECT_EQ(*configured_secret(auth, dir.path(), SecretMode::kReadOnly), "inline");
    auth.token_secret.clear();
    EXPECT_EQ(*configured_secret(auth, dir.path(), SecretMode::kReadOnly), "from-file");
    auth.token_secret_file.clear();
    auto missing = configured_secret(auth, dir.path(), SecretMode::kReadOnly);
    ASSERT_FALSE(missing.ok());
    EXPECT_CONTAINS(missing.error().message, "no token secret at");
    EXPECT_FALSE(std::filesystem::exists(dir.path() / kTokenSecretFileName));  // read-only means read-only
    auto created = configured_secret(auth, dir.path(), SecretMode::kCreateIfMissing);
    ASSERT_TRUE(created.ok());
    EXPECT_EQ(*configured_secret(auth, dir.path(), SecretMode::kReadOnly), *created);
}

TEST(LookupSecret, TheOrderYihuTokenUses) {
    testing::TempDir dir;
    const auto data_dir = dir.path() / "data";
    std::filesystem::create_directories(data_dir);
    dir.write("data/token-secret", "generated\n");
    const auto secret_file = dir.write("secret.txt", "from-secret-file\n");

    EXPECT_EQ(*lookup_secret({.secret = "given"}), "given");
    EXPECT_EQ(*lookup_secret({.secret_file = secret_file}), "from-secret-file");
    EXPECT_EQ(*lookup_secret({.data_dir = data_dir}), "generated");

    // A config file: its [auth] secret, else its token_secret_file, else its data_dir's token-secret.
    const auto inline_config = dir.write("inline.toml", "[auth]\ntoken_secret = \"from-config\"\n");
    EXPECT_EQ(*lookup_secret({.config_file = inline_config}), "from-config");
    const auto file_config = dir.write("file.toml", "[auth]\ntoken_secret_file = \"" + secret_file.string() + "\"\n");
    EXPECT_EQ(*lookup_secret({.config_file = file_config}), "from-secret-file");
    const auto dir_config = dir.write("dir.toml", "[store]\ndata_dir = \"" + data_dir.string() + "\"\n");
    EXPECT_EQ(*lookup_secret({.config_file = dir_config}), "generated");
    // --data-dir overrides the file's data_dir, as on the server.
    const auto elsewhere = dir.write("elsewhere.toml", "[store]\ndata_dir = \"/nonexistent\"\n");
    EXPECT_EQ(*lookup_secret({.config_file = elsewhere, .data_dir = data_dir}), "generated");

    // Ambiguous or broken requests.
    EXPECT_FALSE(lookup_secret({.secret = "a", .secret_file = secret_file}).ok());
    EXPECT_FALSE(lookup_secret({.secret = "a", .data_dir = data_dir}).ok());
    EXPECT_FALSE(lookup_secret({.secret_file = secret_file, .config_file = inline_config}).ok());
    EXPECT_FALSE(lookup_secret({.secret = ""}).ok());
    EXPECT_CONTAINS(lookup_secret({.config_file = dir.path() / "none.toml"}).error().message, "does not exist");
    EXPECT_CONTAINS(lookup_secret({.data_dir = dir.path() / "empty"}).error().message, "no token secret at");
}

TEST(LookupSecret, DefaultsToTheDefaultDataDir) {
    testing::TempDir dir;
    const auto cwd = std::filesystem::current_path();
    std::filesystem::current_path(dir.path());
    auto none = lookup_secret({});
    std::filesystem::create_directories("yihu-data");
    dir.write("yihu-data/token-secret", "default-place\n");
    auto found = lookup_secret({});
    std::filesystem::current_path(cwd);
    ASSERT_FALSE(none.ok());
    EXPECT_CONTAINS(none.error().message, "yihu-data/token-secret");
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(*found, "default-place");
}

}  // namespace
}  // namespace yihu::ops
