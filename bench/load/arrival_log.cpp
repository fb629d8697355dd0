#include "arrival_log.h"

#include <algorithm>

namespace yihu::bench::load {

void ArrivalLog::record(std::vector<std::uint32_t>& seen, const std::string& key, std::int64_t now_ns,
                        std::size_t bytes) {
    auto [it, inserted] = ids_.try_emplace(key, static_cast<std::uint32_t>(stats_.size()));
    if (inserted) stats_.emplace_back();
    Stats& s = stats_[it->second];
    s.payload_bytes = static_cast<std::int64_t>(bytes);
    if (std::find(seen.begin(), seen.end(), it->second) != seen.end()) {
        ++s.dups;
        return;
    }
    seen.push_back(it->second);
    ++s.count;
    if (s.first_ns == 0 || now_ns < s.first_ns) s.first_ns = now_ns;
    s.last_ns = std::max(s.last_ns, now_ns);
}

ArrivalLog::Stats ArrivalLog::stats(const std::string& key) const {
    const auto it = ids_.find(key);
    return it == ids_.end() ? Stats{} : stats_[it->second];
}

}  // namespace yihu::bench::load
