#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace yihu::store {

// The storage format shared by both stores (format 2): what one batch writes about many volunteers is kept as a few
// values, not as a row per volunteer, so a commit costs a handful of writes whatever the audience:
//   - a recipient set: the recipients of one alert written by one batch;
//   - an audit set: the audit entries of one alert written by one batch;
//   - a push group: the pushes of one batch that share created_at, alert id, kind and shared body; the body is kept
//     once, each member keeps its volunteer, seq and own bytes (the envelope), sorted by (volunteer, seq) so that one
//     volunteer's pushes are found by binary search in the stored bytes without decoding the rest.
// Sets are appended, never rewritten: a later set's recipient replaces an earlier one for the same volunteer, and the
// first audit entry at an index is kept (the WriteBatch rules, applied on read).

struct RecipientSet {
    std::uint64_t alert_number = 0;
    std::string members;  // encoded (volunteer, snapshot) pairs
};
struct AuditSet {
    std::uint64_t alert_number = 0;
    std::uint64_t min_index = 0;
    std::uint64_t max_index = 0;
    std::string entries;  // encoded (index, at, entry) triples
};
struct PushGroup {
    Time created_at{};
    std::string alert_id;
    std::uint8_t kind = 0;
    std::string body;     // the bytes every member's push ends with (may be empty)
    std::string members;  // see PushMembers
    std::size_t count = 0;
    std::uint64_t batch = 0;  // which commit wrote it (set by the store; rises from commit to commit)
};

// The batch's recipients, one set per alert, in order of alert number.
std::vector<RecipientSet> recipient_sets(const std::vector<RecipientRecord>& recipients);
// The batch's audit entries, one set per alert, in order of alert number.
std::vector<AuditSet> audit_sets(const std::vector<AuditRecord>& audit);
// The batch's deliveries as push groups. kConflict if a (volunteer, seq) appears twice; kInvalidArgument if a group
// would exceed what a member index can address (4 GiB).
Result<std::vector<PushGroup>> push_groups(const std::vector<DeliveryRecord>& deliveries);

// Reading sets back. False: the bytes are not a set (corrupt).
bool read_recipient_set(std::string_view members, std::uint64_t alert_number,
                        std::map<std::string, RecipientRecord>& into);
// Entries with index >= from_index; an index already in `into` keeps its entry.
bool read_audit_set(std::string_view entries, std::uint64_t alert_number, std::uint64_t from_index,
                    std::map<std::uint64_t, AuditRecord>& into);

// A read-only view of a push group's members (the bytes must outlive it).
class PushMembers {
  public:
    // nullopt: not a member index (corrupt).
    static std::optional<PushMembers> parse(std::string_view members);

    struct Member {
        std::string_view volunteer;
        std::uint64_t seq = 0;
        std::string_view head;
    };
    std::size_t size() const { return count_; }
    Member at(std::size_t i) const;
    // The members of `volunteer`, in seq order (binary search).
    std::vector<Member> of(std::string_view volunteer) const;

  private:
    std::string_view index_;
    std::string_view strings_;
    std::size_t count_ = 0;
};

// One volunteer's search for pushes with seq > after_seq, over push groups newest first. Seqs per volunteer rise from
// batch to batch (the ledger's order), so once a batch holds after_seq + 1 or less, the groups of older batches hold
// nothing wanted; the other groups of that batch still may (a batch's groups are not in seq order).
class PushSearch {
  public:
    explicit PushSearch(std::uint64_t after_seq) : after_seq_(after_seq) {}
    // Whether a group written by `batch` can still hold a wanted push.
    bool wants(std::uint64_t batch) const { return !last_batch_ || *last_batch_ == batch; }
    // The volunteer's members in a group of `batch`.
    void saw(std::uint64_t batch, const std::vector<PushMembers::Member>& members);

  private:
    std::uint64_t after_seq_;
    std::optional<std::uint64_t> last_batch_;
};
// The records of a volunteer's members in one group, seq > after_seq, appended to `out`.
void append_deliveries(const PushGroup& group, const std::vector<PushMembers::Member>& members, std::uint64_t after_seq,
                       std::vector<DeliveryRecord>& out);
// Sorts by seq, keeps the first of equal seqs (the oldest group: the search went newest first, so the last
// collected), and cuts to `limit`.
void finish_deliveries(std::vector<DeliveryRecord>& out, std::size_t limit);

}  // namespace yihu::store
