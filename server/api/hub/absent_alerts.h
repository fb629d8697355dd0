#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace yihu::api {

// What the hub knows, without the engine, about alert ids that are not in memory (docs/server.md, "Memory"): the
// store holds the alert (it closed and left memory), or no alert of that id was ever stored. A bounded memo of the
// answers, so that a phone repeating a message about the same id costs at most one store read, not one per message.
// Pure: the hub reads the store and tells the memo. Hub thread only (not thread-safe).
//
// Exact as long as the hub keeps its side of the contract: an id is looked up here only after the engine did not
// find it; an alert that leaves memory is remembered as closed (which replaces a kNever entry); a rebuild from the
// store clears the memo. A kNever entry then cannot go stale: an alert created with that id is found in the engine
// first, and when it leaves, its entry becomes kClosed.
class AbsentAlerts {
  public:
    enum class Known { kClosed, kNever };

    explicit AbsentAlerts(std::size_t capacity = 4096) : capacity_(capacity) {}

    std::optional<Known> find(std::string_view id) const;
    // Adds or replaces; when full, the entry added first leaves.
    void remember(const std::string& id, Known what);
    void clear();
    std::size_t size() const { return known_.size(); }

    // Whether `id` has the form the engine gives an alert created without an id, "<city>-<n>" (n in decimal, as
    // std::to_string writes it), with n above `highest` (the highest number ever given): such an id names no alert.
    // False whenever that is not certain: a neighbouring city's alert keeps its origin's id "<origin>-...", which can
    // have that form only if the origin's name followed by '-' begins this city's name, so a city whose name has a
    // '-' in it never gets this answer.
    static bool never_given(std::string_view id, std::string_view city, std::uint64_t highest);

  private:
    std::size_t capacity_;
    std::map<std::string, Known, std::less<>> known_;
    std::deque<std::string> order_;  // ids in the order first remembered
};

}  // namespace yihu::api
