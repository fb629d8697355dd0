#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/result.h"
#include "federation/cap_import.h"

namespace yihu::federation {

// Which alert each imported CAP message became, so that a message arriving again is recognised and an Update or a
// Cancel finds the alert it references. Pure bookkeeping: the caller applies the decision to its engine and then
// records it. Held in memory by whoever imports (the hub), which stores every Entry record() makes and replays them
// with restore() after a restart.
class CapBook {
  public:
    struct Decision {
        enum class Kind {
            kCreate,     // a new alert
            kUpdate,     // change alert_id
            kCancel,     // close alert_id
            kDuplicate,  // this (sender, identifier) was imported before, as alert_id: nothing to do
            kStale,      // an Update older (by <sent>) than one already applied to alert_id: superseded, ignored
        };
        Kind kind;
        std::string alert_id;  // empty for kCreate
    };

    // kUnknownAlert if an Update or Cancel references no message imported from the same sender (references to other
    // senders' messages are never followed: a sender changes only its own alerts); kInvalidArgument if it references
    // messages of several alerts; kAlertClosed if the alert was cancelled already.
    core::Result<Decision> decide(const ImportedCap& message) const;

    // What record() remembers of one message: enough to rebuild the book.
    struct Entry {
        CapKey key;
        Decision::Kind kind = Decision::Kind::kCreate;  // never kDuplicate
        std::string alert_id;
        core::Time sent{};
    };

    // After the caller applied `decision` for `message` (for kCreate, with the id the new alert got). Returns the
    // entry to store, or nullopt for kDuplicate (nothing new to remember).
    std::optional<Entry> record(const ImportedCap& message, const Decision& decision, const std::string& alert_id);
    // Replays an entry record() returned earlier (in any order).
    void restore(const Entry& entry);
    void clear() {
        messages_.clear();
        alerts_.clear();
    }

    std::size_t size() const { return messages_.size(); }

  private:
    struct AlertState {
        core::Time last_sent{};
        bool closed = false;
    };
    std::map<CapKey, std::string> messages_;  // message -> alert id
    std::map<std::string, AlertState> alerts_;
};

}  // namespace yihu::federation
