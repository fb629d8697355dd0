#pragma once

#include <cstddef>
#include <new>
#include <vector>

#include "core/memory/huge_page_arena.h"

namespace yihu::core {

// A standard allocator drawing from a HugePageArena; without one (default-constructed) it takes cache-line-aligned
// memory from operator new, so that containers built outside an index (tests, temporaries) work the same way.
// Every allocation is 64-byte aligned either way.
template <class T>
class ArenaAllocator {
  public:
    static_assert(alignof(T) <= HugePageArena::kAlignment, "the arena aligns to one cache line");
    using value_type = T;
    // Containers moved or swapped keep drawing from the arena they were built on.
    using propagate_on_container_move_assignment = std::true_type;
    using propagate_on_container_swap = std::true_type;

    ArenaAllocator() = default;
    explicit ArenaAllocator(HugePageArena* arena) : arena_(arena) {}
    template <class U>
    ArenaAllocator(const ArenaAllocator<U>& other) : arena_(other.arena()) {}  // NOLINT: rebinding is implicit

    T* allocate(std::size_t n) {
        const std::size_t bytes = n * sizeof(T);
        if (arena_) return static_cast<T*>(arena_->allocate(bytes));
        return static_cast<T*>(::operator new (bytes, std::align_val_t{HugePageArena::kAlignment}));
    }
    void deallocate(T* p, std::size_t n) noexcept {
        if (arena_) {
            arena_->deallocate(p, n * sizeof(T));
        } else {
            ::operator delete (p, std::align_val_t{HugePageArena::kAlignment});
        }
    }
    HugePageArena* arena() const { return arena_; }

    template <class U>
    friend bool operator==(const ArenaAllocator& a, const ArenaAllocator<U>& b) {
        return a.arena() == b.arena();
    }

  private:
    HugePageArena* arena_ = nullptr;
};

template <class T>
using ArenaVector = std::vector<T, ArenaAllocator<T>>;

}  // namespace yihu::core
