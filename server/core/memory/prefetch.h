#pragma once

namespace yihu::core {

// Starts loading the cache line at `p` for reading. Unlike __builtin_prefetch, which GCC 12's dead-code pass drops
// when nothing later uses the address it computes (seen on the roaming check's prefetch of a volunteer's point:
// no prefetch instruction left in the binary), an asm statement always stays.
inline void prefetch_line(const void* p) {
#if defined(__x86_64__)
    asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
    __builtin_prefetch(p);
#endif
}

}  // namespace yihu::core
