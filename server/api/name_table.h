#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace yihu::api {

// External names (volunteer ids, team names) <-> dense numbers from 1, so the core can keep per-volunteer state in
// flat arrays. Numbers are per process: never stored, never sent. 0 is never assigned.
class NameTable {
  public:
    std::uint32_t intern(std::string_view name) {
        if (auto it = numbers_.find(std::string(name)); it != numbers_.end()) return it->second;
        names_.emplace_back(name);
        const auto number = static_cast<std::uint32_t>(names_.size());
        numbers_.emplace(names_.back(), number);
        return number;
    }
    std::optional<std::uint32_t> find(std::string_view name) const {
        auto it = numbers_.find(std::string(name));
        if (it == numbers_.end()) return std::nullopt;
        return it->second;
    }
    // The name of an interned number; "" for 0 or a number never given out.
    const std::string& name(std::uint32_t number) const {
        static const std::string kNone;
        return number == 0 || number > names_.size() ? kNone : names_[number - 1];
    }
    std::size_t size() const { return names_.size(); }

  private:
    std::vector<std::string> names_;
    std::unordered_map<std::string, std::uint32_t> numbers_;
};

}  // namespace yihu::api
