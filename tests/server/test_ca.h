#pragma once

// Throwaway certificate authorities for TLS tests, made with the openssl command at test time.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/child_process.h"

namespace yihu::testing {

// Runs openssl with `args` in `dir`; the test fails (and this returns false) unless it exits 0 within 30 s.
inline bool openssl(const std::filesystem::path& dir, std::vector<std::string> args) {
    std::vector<std::string> argv = {"sh", "-c", "cd '" + dir.string() + "' && openssl \"$@\"", "openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    client::ChildProcess p(argv, dir / "openssl.log");
    const auto code = p.wait(std::chrono::seconds{30});
    EXPECT_TRUE(code.has_value()) << "openssl did not finish";
    EXPECT_EQ(code.value_or(-1), 0) << "openssl " << args.front() << " failed; see " << (dir / "openssl.log");
    return code == 0;
}

// A CA (ca.pem, ca.key) and, unless `leaf` is empty, a certificate it signs for localhost and 127.0.0.1
// (<leaf>.pem, <leaf>.key). EC keys: quick to make.
inline bool make_ca(const std::filesystem::path& dir, const std::string& ca, const std::string& leaf) {
    const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
    std::vector<std::string> req = {"req",     "-x509",     "-days", "1",        "-subj", "/CN=yihu test CA " + ca,
                                    "-keyout", ca + ".key", "-out",  ca + ".pem"};
    req.insert(req.begin() + 2, ec.begin(), ec.end());
    if (!openssl(dir, req)) return false;
    if (leaf.empty()) return true;
    std::vector<std::string> csr = {"req", "-subj", "/CN=localhost", "-keyout", leaf + ".key", "-out", leaf + ".csr"};
    csr.insert(csr.begin() + 1, ec.begin(), ec.end());
    if (!openssl(dir, csr)) return false;
    std::ofstream(dir / "san.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
    return openssl(dir, {"x509", "-req", "-days", "1", "-in", leaf + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                         "-CAcreateserial", "-extfile", "san.ext", "-out", leaf + ".pem"});
}

}  // namespace yihu::testing
