#include "api/hub/absent_alerts.h"

#include <charconv>

namespace yihu::api {

std::optional<AbsentAlerts::Known> AbsentAlerts::find(std::string_view id) const {
    const auto it = known_.find(id);
    if (it == known_.end()) return std::nullopt;
    return it->second;
}

void AbsentAlerts::remember(const std::string& id, Known what) {
    if (capacity_ == 0) return;
    auto [it, added] = known_.insert_or_assign(id, what);
    if (!added) return;
    order_.push_back(id);
    while (known_.size() > capacity_) {
        known_.erase(order_.front());
        order_.pop_front();
    }
}

void AbsentAlerts::clear() {
    known_.clear();
    order_.clear();
}

bool AbsentAlerts::never_given(std::string_view id, std::string_view city, std::uint64_t highest) {
    if (city.find('-') != std::string_view::npos) return false;
    if (id.size() <= city.size() + 1 || !id.starts_with(city) || id[city.size()] != '-') return false;
    const std::string_view digits = id.substr(city.size() + 1);
    // std::to_string writes no sign, no leading zero and no '+': anything else is not a generated id.
    if (digits.front() < '1' || digits.front() > '9') return false;
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size()) return false;
    return n > highest;
}

}  // namespace yihu::api
