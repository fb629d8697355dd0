// HugePageArena: block sizes, alignment, reuse of freed blocks, large mappings, and containers on top of it.

#include "core/memory/huge_page_arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <vector>

#include "core/memory/arena_allocator.h"
#include "support/test_seed.h"

namespace yihu::core {
namespace {

bool line_aligned(const void* p) {
    return reinterpret_cast<std::uintptr_t>(p) % HugePageArena::kAlignment == 0;
}

TEST(HugePageArena, BlockSizesArePowersOfTwoUpToAHugePageThenWholeHugePages) {
    EXPECT_EQ(HugePageArena::block_size(1), 64u);
    EXPECT_EQ(HugePageArena::block_size(64), 64u);
    EXPECT_EQ(HugePageArena::block_size(65), 128u);
    EXPECT_EQ(HugePageArena::block_size(1536), 2048u);
    EXPECT_EQ(HugePageArena::block_size(HugePageArena::kHugePage), HugePageArena::kHugePage);
    EXPECT_EQ(HugePageArena::block_size(HugePageArena::kHugePage + 1), 2 * HugePageArena::kHugePage);
    EXPECT_EQ(HugePageArena::block_size(5 * HugePageArena::kHugePage), 5 * HugePageArena::kHugePage);
}

TEST(HugePageArena, BlocksAreAlignedDisjointAndReusedAfterFree) {
    HugePageArena arena;
    std::mt19937_64 rng(yihu::testing::test_seed("HugePageArena/blocks"));
    struct Live {
        char* at;
        std::size_t bytes;
        unsigned char fill;
    };
    std::vector<Live> live;
    for (int step = 0; step < 20000; ++step) {
        if (!live.empty() && rng() % 3 == 0) {
            const std::size_t i = rng() % live.size();
            // Every byte is still what its owner wrote: no other block overlapped it.
            for (std::size_t b = 0; b < live[i].bytes; ++b)
                ASSERT_EQ(static_cast<unsigned char>(live[i].at[b]), live[i].fill);
            arena.deallocate(live[i].at, live[i].bytes);
            live[i] = live.back();
            live.pop_back();
            continue;
        }
        const std::size_t bytes = 1 + rng() % (rng() % 8 == 0 ? 300000 : 3000);
        auto* at = static_cast<char*>(arena.allocate(bytes));
        ASSERT_TRUE(line_aligned(at)) << bytes;
        const auto fill = static_cast<unsigned char>(rng());
        std::memset(at, fill, bytes);
        live.push_back(Live{at, bytes, fill});
    }
    for (const Live& l : live) arena.deallocate(l.at, l.bytes);

    // A freed block of a size comes back for the next request of that size.
    void* a = arena.allocate(700);
    arena.deallocate(a, 700);
    EXPECT_EQ(arena.allocate(1000), a) << "700 and 1000 bytes share the 1 KiB class";
}

TEST(HugePageArena, LargeBlocksGetTheirOwnHugePageAlignedMappingAndGoBackOnFree) {
    HugePageArena arena;
    const std::size_t before = arena.mapped_bytes();
    const std::size_t bytes = 3 * HugePageArena::kHugePage + 10;
    void* big = arena.allocate(bytes);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big) % HugePageArena::kHugePage, 0u);
    EXPECT_EQ(arena.mapped_bytes(), before + 4 * HugePageArena::kHugePage);
    std::memset(big, 1, bytes);
    arena.deallocate(big, bytes);
    EXPECT_EQ(arena.mapped_bytes(), before);
}

TEST(HugePageArena, ChunksAreMappedOnlyAsNeeded) {
    HugePageArena arena;
    EXPECT_EQ(arena.mapped_bytes(), 0u);
    std::vector<void*> blocks;
    for (int i = 0; i < 1000; ++i) blocks.push_back(arena.allocate(64));
    const std::size_t one_chunk = arena.mapped_bytes();
    EXPECT_GT(one_chunk, 0u);
    for (int i = 0; i < 1000; ++i) blocks.push_back(arena.allocate(64));
    EXPECT_EQ(arena.mapped_bytes(), one_chunk) << "128 KiB fit in the first chunk";
    EXPECT_EQ(std::set<void*>(blocks.begin(), blocks.end()).size(), blocks.size());
    for (void* b : blocks) arena.deallocate(b, 64);
}

TEST(ArenaAllocator, VectorsGrowMoveAndShrinkInTheArena) {
    HugePageArena arena;
    ArenaVector<std::uint64_t> v{ArenaAllocator<std::uint64_t>(&arena)};
    for (std::uint64_t i = 0; i < 1'000'000; ++i) v.push_back(i * 7);  // ends in a large mapping (8 MB)
    EXPECT_GE(arena.mapped_bytes(), v.size() * sizeof(std::uint64_t));
    ArenaVector<std::uint64_t> moved = std::move(v);
    EXPECT_EQ(moved.get_allocator().arena(), &arena);
    for (std::uint64_t i = 0; i < moved.size(); i += 9973) ASSERT_EQ(moved[i], i * 7);
    moved.clear();
    moved.shrink_to_fit();

    // Without an arena the allocator still hands out whole cache lines.
    ArenaVector<char> plain;
    plain.resize(10);
    EXPECT_TRUE(line_aligned(plain.data()));
}

}  // namespace
}  // namespace yihu::core
