#include "federation/cap_kind_table.h"

#include <algorithm>

#include "federation/cap_kinds.h"

namespace yihu::federation {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

bool matches(const KindRule& r, const CapInfoText& info) {
    if (!r.category.empty() &&
        std::find(info.categories.begin(), info.categories.end(), r.category) == info.categories.end()) {
        return false;
    }
    if (!r.event.empty() && !equal_ignoring_case(r.event, info.event)) return false;
    return r.urgency.empty() || r.urgency == info.urgency;
}

}  // namespace

KindTable KindTable::defaults() {
    using core::AlertKind;
    std::vector<KindRule> rules;
    for (AlertKind k : {AlertKind::kMissingPerson, AlertKind::kMissingChild, AlertKind::kDrowning, AlertKind::kSuspect,
                        AlertKind::kDisaster, AlertKind::kGeneral}) {
        rules.push_back({"", std::string(cap_event_of(k)), "", k});
    }
    for (const char* c : {"Geo", "Met", "Safety", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE"})
        rules.push_back({c, "", "", AlertKind::kDisaster});
    for (const char* c : {"Rescue", "Security", "Other"}) rules.push_back({c, "", "", AlertKind::kGeneral});
    return KindTable(std::move(rules));
}

std::optional<core::AlertKind> KindTable::find(const CapInfoText& info) const {
    for (const KindRule& r : rules_) {
        if (matches(r, info)) return r.kind;
    }
    return std::nullopt;
}

}  // namespace yihu::federation
