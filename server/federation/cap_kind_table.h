#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/alert/alert_kind.h"
#include "federation/cap_message.h"

namespace yihu::federation {

// One row of the CAP -> kind table. An empty field matches anything; `event` compares case-insensitively (ASCII),
// `category` and `urgency` exactly (they are schema enumerations). A rule on category matches when any of the
// info's categories equals it.
struct KindRule {
    std::string category;
    std::string event;
    std::string urgency;
    core::AlertKind kind = core::AlertKind::kGeneral;
};

// Which kind an imported CAP info becomes: the first rule that matches, in order. No match: the import is refused.
class KindTable {
  public:
    explicit KindTable(std::vector<KindRule> rules) : rules_(std::move(rules)) {}

    // yihu's own exported events first (so yihu -> CAP -> yihu keeps the kind), then one rule per CAP category:
    // Geo, Met, Safety, Fire, Health, Env, Transport, Infra and CBRNE -> disaster; Rescue, Security and Other ->
    // general. docs/federation.md lists it.
    static KindTable defaults();

    std::optional<core::AlertKind> find(const CapInfoText& info) const;
    const std::vector<KindRule>& rules() const { return rules_; }

  private:
    std::vector<KindRule> rules_;
};

}  // namespace yihu::federation
