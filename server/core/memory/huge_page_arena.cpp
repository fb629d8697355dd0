#include "core/memory/huge_page_arena.h"

#include <sys/mman.h>

#include <bit>
#include <cstdint>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define YIHU_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define YIHU_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define YIHU_POISON(p, n) ((void)(p), (void)(n))
#define YIHU_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace yihu::core {

namespace {
constexpr std::size_t round_up(std::size_t n, std::size_t to) {
    return (n + to - 1) / to * to;
}
}  // namespace

HugePageArena::~HugePageArena() {
    for (const Mapping& m : chunks_) unmap(m.at, m.bytes);
}

std::size_t HugePageArena::class_of(std::size_t size) {
    return static_cast<std::size_t>(std::countr_zero(size / kAlignment));
}

std::size_t HugePageArena::block_size(std::size_t bytes) {
    if (bytes > kHugePage) return round_up(bytes, kHugePage);
    return std::bit_ceil(bytes < kAlignment ? kAlignment : bytes);
}

void* HugePageArena::map(std::size_t bytes) {
    // Over-map by one huge page and trim, so that the block starts on a 2 MiB boundary (THP needs whole aligned
    // 2 MiB ranges).
    const std::size_t span = bytes + kHugePage;
    void* raw = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto begin = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = round_up(begin, kHugePage);
    if (aligned > begin) ::munmap(raw, aligned - begin);
    const std::uintptr_t end = begin + span;
    if (end > aligned + bytes) ::munmap(reinterpret_cast<void*>(aligned + bytes), end - (aligned + bytes));
    void* at = reinterpret_cast<void*>(aligned);
    ::madvise(at, bytes, MADV_HUGEPAGE);  // advice: refused where THP is off, and then small pages serve
    mapped_bytes_ += bytes;
    return at;
}

void HugePageArena::unmap(void* at, std::size_t bytes) noexcept {
    YIHU_UNPOISON(at, bytes);
    ::munmap(at, bytes);
    mapped_bytes_ -= bytes;
}

void* HugePageArena::allocate(std::size_t bytes) {
    const std::size_t size = block_size(bytes);
    if (size > kHugePage) return map(size);
    const std::size_t c = class_of(size);
    if (FreeBlock* block = free_[c]) {
        YIHU_UNPOISON(block, size);
        free_[c] = block->next;
        return block;
    }
    if (static_cast<std::size_t>(bump_end_ - bump_) < size) {
        // Hand the old chunk's tail to the free lists, largest blocks first (every piece is a multiple of 64 B).
        while (bump_end_ - bump_ >= static_cast<std::ptrdiff_t>(kAlignment)) {
            const std::size_t piece = std::bit_floor(static_cast<std::size_t>(bump_end_ - bump_));
            deallocate(bump_, piece);
            bump_ += piece;
        }
        bump_ = static_cast<char*>(map(kChunk));
        bump_end_ = bump_ + kChunk;
        chunks_.push_back(Mapping{bump_, kChunk});
        YIHU_POISON(bump_, kChunk);
    }
    void* block = bump_;
    bump_ += size;
    YIHU_UNPOISON(block, size);
    return block;
}

void HugePageArena::deallocate(void* p, std::size_t bytes) noexcept {
    if (p == nullptr) return;
    const std::size_t size = block_size(bytes);
    if (size > kHugePage) {
        unmap(p, size);
        return;
    }
    const std::size_t c = class_of(size);
    auto* block = static_cast<FreeBlock*>(p);
    YIHU_UNPOISON(block, sizeof(FreeBlock));
    block->next = free_[c];
    free_[c] = block;
    // The link stays readable; the rest of the block is off limits until it is handed out again.
    YIHU_POISON(static_cast<char*>(p) + sizeof(FreeBlock), size - sizeof(FreeBlock));
}

}  // namespace yihu::core
