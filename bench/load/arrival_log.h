#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace yihu::bench::load {

// What one worker's phones received, per message key ("a:<alert id>", "c:<alert id>", "b<n>"): how many phones got
// it, how many further copies arrived, and when the first and last arrived. A phone keeps the keys it has seen in its
// own small list (`seen`), so a second copy to the same phone counts as a duplicate, not as a recipient.
class ArrivalLog {
  public:
    struct Stats {
        std::int64_t count = 0, first_ns = 0, last_ns = 0, dups = 0, payload_bytes = 0;
    };

    void record(std::vector<std::uint32_t>& seen, const std::string& key, std::int64_t now_ns, std::size_t bytes);
    // All zero for a key nothing arrived for.
    Stats stats(const std::string& key) const;

  private:
    std::unordered_map<std::string, std::uint32_t> ids_;
    std::vector<Stats> stats_;
};

}  // namespace yihu::bench::load
