#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace yihu::core {

// Memory for the volunteer index's arrays, backed by transparent huge pages where the kernel allows them.
//
// Why: a position update or a query lands on a random volunteer's cache line somewhere in tens of MB of points.
// With 4 KiB pages that is also a TLB miss, and under a hypervisor's nested paging a page walk costs more than the
// cache miss itself (bench/RESULTS.md: with huge pages alone, update_near went from ~300 to 190 ns at 270k
// volunteers). 2 MiB pages cover a city's index with a few dozen TLB entries.
//
// How: blocks are powers of two from 64 B to 2 MiB, carved from 8 MiB chunks that are 2 MiB-aligned mappings
// advised MADV_HUGEPAGE; a freed block goes on its size's free list and is reused, never returned to the kernel
// (the index's memory follows its peak). Anything larger gets its own aligned, advised mapping, unmapped on free.
// Every block is 64-byte aligned (one point is one cache line). Where THP is off the advice is ignored and this is
// an ordinary pool. Not thread-safe: it belongs to one index, which has one owner.
class HugePageArena {
  public:
    static constexpr std::size_t kAlignment = 64;
    static constexpr std::size_t kHugePage = std::size_t{2} << 20;

    HugePageArena() = default;
    ~HugePageArena();
    HugePageArena(const HugePageArena&) = delete;
    HugePageArena& operator=(const HugePageArena&) = delete;

    // Never returns null; throws std::bad_alloc when the kernel refuses memory.
    void* allocate(std::size_t bytes);
    // `bytes` must be what was passed to allocate for `p`.
    void deallocate(void* p, std::size_t bytes) noexcept;

    // Bytes mapped from the kernel (chunks and large blocks), for tests and memory reports.
    std::size_t mapped_bytes() const { return mapped_bytes_; }
    // The block size a request of `bytes` takes (a power of two from 64 B up to 2 MiB; larger requests are rounded
    // up to whole huge pages).
    static std::size_t block_size(std::size_t bytes);

  private:
    static constexpr std::size_t kChunk = 4 * kHugePage;
    static constexpr std::size_t kClasses = 16;  // 64 B << 0 .. 64 B << 15 = 2 MiB

    struct FreeBlock {
        FreeBlock* next;
    };
    struct Mapping {
        void* at;
        std::size_t bytes;
    };

    // The free list of a block of `size` bytes (a block_size() of at most kHugePage).
    static std::size_t class_of(std::size_t size);
    // An aligned, advised mapping of `bytes` (a multiple of kHugePage).
    void* map(std::size_t bytes);
    void unmap(void* at, std::size_t bytes) noexcept;

    std::array<FreeBlock*, kClasses> free_{};
    char* bump_ = nullptr;  // the unused rest of the newest chunk
    char* bump_end_ = nullptr;
    std::vector<Mapping> chunks_;
    std::size_t mapped_bytes_ = 0;
};

}  // namespace yihu::core
