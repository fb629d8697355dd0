#pragma once

#include <algorithm>
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

// Times the same ops back to back with no clock read between them, in `chunks` consecutive runs each timed once,
// and returns the median run's total / count. On a shared machine one preemption can double a short loop's total;
// the median run is what the ops cost, and p99 of the per-op pass is where the tail shows.
template <class Op>
double time_loop_ns(std::size_t first, std::size_t n, Op&& op, std::size_t chunks = 10) {
    if (n == 0) return 0.0;
    chunks = std::max<std::size_t>(1, std::min(chunks, n / 100));
    std::vector<double> per_op(chunks);
    for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t from = first + n * c / chunks;
        const std::size_t to = first + n * (c + 1) / chunks;
        const auto t0 = BenchClock::now();
        for (std::size_t i = from; i < to; ++i) op(i);
        const auto t1 = BenchClock::now();
        per_op[c] = static_cast<double>(elapsed_ns(t0, t1)) / static_cast<double>(to - from);
    }
    std::sort(per_op.begin(), per_op.end());
    return chunks % 2 == 1 ? per_op[chunks / 2] : (per_op[chunks / 2 - 1] + per_op[chunks / 2]) / 2;
}

}  // namespace yihu::bench
