// The CAP fuzz target's seed corpus (fuzz/corpus/cap/) holds documents the importer accepts and documents it refuses,
// so that the fuzzers (libFuzzer and the fuzz_replay_cap smoke) start on both paths. The target's entry itself runs
// over every seed in fuzz_replay_cap.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "federation/cap_import.h"

namespace yihu::federation {
namespace {

TEST(CapFuzzSeeds, CorpusHoldsAcceptedAndRefusedDocuments) {
    std::size_t seeds = 0, accepted = 0;
    const core::Time now = core::time_from_ms(1'767'225'600'000);  // the fuzz target's clock
    for (const auto& entry : std::filesystem::directory_iterator(YIHU_CAP_FUZZ_CORPUS)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream buf;
        buf << in.rdbuf();
        ++seeds;
        accepted += import_cap(buf.str(), CapImportConfig{}, now).ok();
    }
    EXPECT_GE(seeds, 8u);
    EXPECT_GE(accepted, 4u);
    EXPECT_LT(accepted, seeds);
}

}  // namespace
}  // namespace yihu::federation
