#include "federation/cap_book.h"

namespace yihu::federation {

using Kind = CapBook::Decision::Kind;

core::Result<CapBook::Decision> CapBook::decide(const ImportedCap& m) const {
    if (const auto it = messages_.find(m.key); it != messages_.end()) return Decision{Kind::kDuplicate, it->second};
    if (m.type == CapMsgType::kAlert) return Decision{Kind::kCreate, {}};
    std::string target;
    for (const CapReference& r : m.references) {
        if (r.key.sender != m.key.sender) continue;
        const auto it = messages_.find(r.key);
        if (it == messages_.end()) continue;
        if (!target.empty() && target != it->second) {
            return core::make_error(core::ErrorCode::kInvalidArgument,
                                    "references name messages of two alerts (" + target + ", " + it->second + ")");
        }
        target = it->second;
    }
    if (target.empty()) {
        return core::make_error(core::ErrorCode::kUnknownAlert,
                                "references name no alert imported from sender " + m.key.sender);
    }
    const AlertState& state = alerts_.at(target);
    if (state.closed) {
        return core::make_error(core::ErrorCode::kAlertClosed, "alert " + target + " was already cancelled");
    }
    if (m.type == CapMsgType::kUpdate && m.sent < state.last_sent) return Decision{Kind::kStale, target};
    return Decision{m.type == CapMsgType::kUpdate ? Kind::kUpdate : Kind::kCancel, target};
}

std::optional<CapBook::Entry> CapBook::record(const ImportedCap& m, const Decision& decision,
                                              const std::string& alert_id) {
    if (decision.kind == Kind::kDuplicate) return std::nullopt;
    Entry entry{m.key, decision.kind, alert_id, m.sent};
    restore(entry);
    return entry;
}

void CapBook::restore(const Entry& e) {
    if (e.kind == Kind::kDuplicate) return;
    messages_.insert_or_assign(e.key, e.alert_id);
    AlertState& state = alerts_[e.alert_id];
    if (e.kind == Kind::kStale) return;
    if (e.sent > state.last_sent) state.last_sent = e.sent;
    if (e.kind == Kind::kCancel) state.closed = true;
}

}  // namespace yihu::federation
