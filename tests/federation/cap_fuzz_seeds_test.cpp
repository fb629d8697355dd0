// The CAP fuzz target's entry (fuzz/cap_fuzz.cpp) over its seed corpus: every seed runs to completion (the entry
// aborts on a broken invariant), and the corpus holds both accepted and refused documents.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "federation/cap_import.h"

extern "C" int yihu_fuzz_cap(const std::uint8_t* data, std::size_t size);

namespace yihu::federation {
namespace {

TEST(CapFuzzSeeds, EverySeedRunsThroughTheFuzzEntry) {
    std::size_t seeds = 0, accepted = 0;
    const core::Time now = core::time_from_ms(1'767'225'600'000);
    for (const auto& entry : std::filesystem::directory_iterator(YIHU_CAP_FUZZ_CORPUS)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream buf;
        buf << in.rdbuf();
        const std::string bytes = buf.str();
        EXPECT_EQ(yihu_fuzz_cap(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
        ++seeds;
        accepted += import_cap(bytes, CapImportConfig{}, now).ok();
    }
    EXPECT_GE(seeds, 8u);
    EXPECT_GE(accepted, 4u);
    EXPECT_LT(accepted, seeds);
}

}  // namespace
}  // namespace yihu::federation
