#pragma once

#include <cstddef>

namespace yihu::bench {

// Nanoseconds per load when each load's address depends on the previous one, over a random cyclic walk of
// `bytes` (64-byte nodes): the latency a lookup at a random volunteer pays once its data is out of cache. Printed
// with the conditions because it, not instruction counts, bounds update_near on a large index.
double dependent_load_ns(std::size_t bytes);

}  // namespace yihu::bench
