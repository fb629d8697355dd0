#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace yihu::bench {

using BenchClock = std::chrono::steady_clock;

// Tells the optimizer the value is used, so the work that produced it cannot be dropped.
template <class T>
inline void do_not_optimize(const T& value) {
    __asm__ volatile("" : : "r,m"(value) : "memory");
}

inline std::int64_t elapsed_ns(BenchClock::time_point from, BenchClock::time_point to) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count();
}

// The median of many back-to-back clock-read pairs: what each per-op sample overstates by.
std::int64_t timer_overhead_ns();

// Times op(first), ..., op(first + n - 1) one at a time; raw samples, overhead included.
template <class Op>
std::vector<std::int64_t> time_each(std::size_t first, std::size_t n, Op&& op) {
    std::vector<std::int64_t> samples(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto t0 = BenchClock::now();
        op(first + i);
        const auto t1 = BenchClock::now();
        samples[i] = elapsed_ns(t0, t1);
    }
    return samples;
}

// Times the same ops back to back with no clock read between them: mean ns per op.
template <class Op>
double time_loop_ns(std::size_t first, std::size_t n, Op&& op) {
    const auto t0 = BenchClock::now();
    for (std::size_t i = 0; i < n; ++i) op(first + i);
    const auto t1 = BenchClock::now();
    return n == 0 ? 0.0 : static_cast<double>(elapsed_ns(t0, t1)) / static_cast<double>(n);
}

}  // namespace yihu::bench
