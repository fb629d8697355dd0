#include "api/skill_catalog.h"

namespace yihu::api {

namespace {
bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > 32) return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    }
    return true;
}
}  // namespace

SkillCatalog::SkillCatalog() {
    for (const char* fixed : {"water_rescue", "swimmer", "first_aid"}) (void)bit(fixed);
}

core::Result<core::SkillSet> SkillCatalog::bit(std::string_view name) {
    if (!valid_name(name)) {
        return core::make_error(core::ErrorCode::kInvalidArgument,
                                "skill names are 1-32 characters of a-z, 0-9, '_' and '-'");
    }
    if (auto known = find(name)) return *known;
    if (names_.size() == kCapacity) {
        return core::make_error(core::ErrorCode::kInvalidArgument, "no room for another skill (64 at most)");
    }
    index_.emplace(std::string(name), names_.size());
    names_.emplace_back(name);
    return core::SkillSet{1} << (names_.size() - 1);
}

std::optional<core::SkillSet> SkillCatalog::find(std::string_view name) const {
    auto it = index_.find(std::string(name));
    if (it == index_.end()) return std::nullopt;
    return core::SkillSet{1} << it->second;
}

core::Result<core::SkillSet> SkillCatalog::set_of(const std::vector<std::string>& names) {
    core::SkillSet set = 0;
    for (const std::string& n : names) {
        auto b = bit(n);
        if (!b) return b.error();
        set |= *b;
    }
    return set;
}

std::vector<std::string> SkillCatalog::names_of(core::SkillSet set) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < names_.size(); ++i) {
        if (set & (core::SkillSet{1} << i)) out.push_back(names_[i]);
    }
    return out;
}

}  // namespace yihu::api
