#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/index/volunteer.h"
#include "core/result.h"

namespace yihu::api {

// Skill names (as tokens and dispatchers write them) <-> the core's 64-bit skill set. The first bits are fixed so
// the core's default policies mean the same thing everywhere (water_rescue = bit 0, swimmer = 1, first_aid = 2);
// further names get the next free bit in order of first use. Names are lower-case [a-z0-9_-], 1-32 characters.
class SkillCatalog {
  public:
    static constexpr std::size_t kCapacity = 64;

    SkillCatalog();

    // The bit of a name, adding it if new. kInvalidArgument for a malformed name or a full catalog.
    core::Result<core::SkillSet> bit(std::string_view name);
    // The bit of a known name, without adding.
    std::optional<core::SkillSet> find(std::string_view name) const;
    // All names as one set; unknown names are added (volunteers may declare skills dispatchers never asked for).
    core::Result<core::SkillSet> set_of(const std::vector<std::string>& names);
    // The names in a set, in bit order.
    std::vector<std::string> names_of(core::SkillSet set) const;
    std::size_t size() const { return names_.size(); }

  private:
    std::vector<std::string> names_;
    std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace yihu::api
