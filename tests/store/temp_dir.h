#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace yihu::store {

// A fresh directory under the system's temporary directory, removed with everything in it when this goes away.
class TempDir {
  public:
    TempDir() {
        std::random_device random;
        // Loops only if the random name is taken: by a concurrent test run, or by one that crashed before cleaning up.
        for (;;) {
            const std::uint64_t value = (static_cast<std::uint64_t>(random()) << 32) ^ random();
            char name[40];
            std::snprintf(name, sizeof name, "yihu-store-test-%016llx", static_cast<unsigned long long>(value));
            path_ = std::filesystem::temp_directory_path() / name;
            if (std::filesystem::create_directory(path_)) break;
        }
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace yihu::store
