#pragma once

#include <cstddef>

namespace yihu::federation {

// Bounds on a CAP document before and while it is parsed. A real national alert with a 41,000-vertex polygon is
// under 1 MB, and CAP nests five elements deep (alert/info/area/geocode/value; a signature may add a few).
struct CapLimits {
    std::size_t max_bytes = 4 * 1024 * 1024;
    std::size_t max_depth = 16;
};

}  // namespace yihu::federation
