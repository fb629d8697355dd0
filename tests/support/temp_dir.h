#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

namespace yihu::testing {

// A fresh directory under the system's temporary directory, removed with everything in it when this goes away.
// Shared by every suite that needs files (store, ops, whole nodes).
class TempDir {
  public:
    TempDir() {
        std::random_device random;
        // Loops only if the random name is taken: by a concurrent test run, or by one that crashed before cleaning up.
        for (;;) {
            const std::uint64_t value = (static_cast<std::uint64_t>(random()) << 32) ^ random();
            char name[40];
            std::snprintf(name, sizeof name, "yihu-test-%016llx", static_cast<unsigned long long>(value));
            path_ = std::filesystem::temp_directory_path() / name;
            if (std::filesystem::create_directory(path_)) break;
        }
    }
    ~TempDir() {
        if (keep_) return;
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    // Leaves the directory behind (logs of a failed test), and says where.
    void keep() { keep_ = true; }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    // Writes `content` to a file in the directory and returns its path.
    std::filesystem::path write(const std::string& name, std::string_view content) const {
        const std::filesystem::path file = path_ / name;
        std::ofstream(file, std::ios::binary) << content;
        return file;
    }

  private:
    std::filesystem::path path_;
    bool keep_ = false;
};

}  // namespace yihu::testing
