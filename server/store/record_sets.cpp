#include "store/record_sets.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "store/record_codec.h"

namespace yihu::store {

using core::ErrorCode;
using core::make_error;

namespace {

// A push group's members: u64 count, then count index entries of kEntryBytes (u32 volunteer offset, u32 volunteer
// length, u64 seq, u32 head offset, u32 head length; offsets into the strings that follow), sorted by (volunteer,
// seq). Little-endian like RecordWriter.
constexpr std::size_t kEntryBytes = 24;
constexpr std::uint64_t kMaxOffset = std::numeric_limits<std::uint32_t>::max();

void put(std::string& out, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get(std::string_view in, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
    return v;
}

}  // namespace

std::vector<RecipientSet> recipient_sets(const std::vector<RecipientRecord>& recipients) {
    std::map<std::uint64_t, RecordWriter> writers;
    for (const RecipientRecord& r : recipients) writers[r.alert_number].bytes(r.volunteer).bytes(r.snapshot);
    std::vector<RecipientSet> out;
    for (auto& [number, writer] : writers)
        out.push_back(RecipientSet{.alert_number = number, .members = writer.take()});
    return out;
}

std::vector<AuditSet> audit_sets(const std::vector<AuditRecord>& audit) {
    std::map<std::uint64_t, std::pair<AuditSet, RecordWriter>> sets;
    for (const AuditRecord& a : audit) {
        auto [it, added] = sets.try_emplace(a.alert_number);
        AuditSet& set = it->second.first;
        if (added) {
            set.alert_number = a.alert_number;
            set.min_index = set.max_index = a.index;
        }
        set.min_index = std::min(set.min_index, a.index);
        set.max_index = std::max(set.max_index, a.index);
        it->second.second.u64(a.index).i64(core::to_ms(a.at)).bytes(a.entry);
    }
    std::vector<AuditSet> out;
    for (auto& [number, entry] : sets) {
        entry.first.entries = entry.second.take();
        out.push_back(std::move(entry.first));
    }
    return out;
}

Result<std::vector<PushGroup>> push_groups(const std::vector<DeliveryRecord>& deliveries) {
    // Group key: created_at, alert id, kind and the shared body (by identity: the hub shares one buffer per body).
    using Key = std::tuple<std::int64_t, std::string_view, std::uint8_t, const std::string*>;
    std::map<Key, std::vector<const DeliveryRecord*>> groups;
    for (const DeliveryRecord& d : deliveries) {
        groups[{core::to_ms(d.created_at), d.alert_id, d.kind, d.shared.get()}].push_back(&d);
    }
    std::vector<std::pair<std::string_view, std::uint64_t>> seen;
    seen.reserve(deliveries.size());
    for (const DeliveryRecord& d : deliveries) seen.emplace_back(d.volunteer, d.seq);
    std::sort(seen.begin(), seen.end());
    if (auto twice = std::adjacent_find(seen.begin(), seen.end()); twice != seen.end()) {
        return make_error(ErrorCode::kConflict, "delivery seq " + std::to_string(twice->second) + " of volunteer '" +
                                                    std::string(twice->first) + "' appears twice in one batch");
    }

    std::vector<PushGroup> out;
    for (auto& [key, members] : groups) {
        std::sort(members.begin(), members.end(), [](const DeliveryRecord* a, const DeliveryRecord* b) {
            return std::tie(a->volunteer, a->seq) < std::tie(b->volunteer, b->seq);
        });
        std::string index;
        std::string strings;
        index.reserve(8 + members.size() * kEntryBytes);
        put(index, members.size(), 8);
        for (const DeliveryRecord* d : members) {
            const std::uint64_t volunteer_at = strings.size();
            strings.append(d->volunteer);
            const std::uint64_t head_at = strings.size();
            strings.append(d->payload);
            if (strings.size() > kMaxOffset) {
                return make_error(ErrorCode::kInvalidArgument,
                                  "a push group of the batch holds more than 4 GiB of envelopes");
            }
            put(index, volunteer_at, 4);
            put(index, d->volunteer.size(), 4);
            put(index, d->seq, 8);
            put(index, head_at, 4);
            put(index, d->payload.size(), 4);
        }
        const DeliveryRecord& first = *members.front();
        out.push_back(PushGroup{.created_at = first.created_at,
                                .alert_id = first.alert_id,
                                .kind = first.kind,
                                .body = first.shared ? *first.shared : std::string(),
                                .members = index + strings,
                                .count = members.size()});
    }
    return out;
}

bool read_recipient_set(std::string_view members, std::uint64_t alert_number,
                        std::map<std::string, RecipientRecord>& into) {
    RecordReader r(members);
    while (!r.done()) {
        RecipientRecord record{.alert_number = alert_number};
        if (!r.bytes(record.volunteer) || !r.bytes(record.snapshot)) return false;
        into.insert_or_assign(record.volunteer, std::move(record));
    }
    return true;
}

bool read_audit_set(std::string_view entries, std::uint64_t alert_number, std::uint64_t from_index,
                    std::map<std::uint64_t, AuditRecord>& into) {
    RecordReader r(entries);
    while (!r.done()) {
        AuditRecord record{.alert_number = alert_number};
        std::int64_t at = 0;
        if (!r.u64(record.index) || !r.i64(at) || !r.bytes(record.entry)) return false;
        record.at = core::time_from_ms(at);
        if (record.index >= from_index) into.try_emplace(record.index, std::move(record));
    }
    return true;
}

std::optional<PushMembers> PushMembers::parse(std::string_view members) {
    if (members.size() < 8) return std::nullopt;
    const std::uint64_t count = get(members, 0, 8);
    if (count > (members.size() - 8) / kEntryBytes) return std::nullopt;
    PushMembers view;
    view.count_ = static_cast<std::size_t>(count);
    view.index_ = members.substr(8, view.count_ * kEntryBytes);
    view.strings_ = members.substr(8 + view.count_ * kEntryBytes);
    for (std::size_t i = 0; i < view.count_; ++i) {
        const std::size_t at = i * kEntryBytes;
        const std::uint64_t volunteer_end = get(view.index_, at, 4) + get(view.index_, at + 4, 4);
        const std::uint64_t head_end = get(view.index_, at + 16, 4) + get(view.index_, at + 20, 4);
        if (volunteer_end > view.strings_.size() || head_end > view.strings_.size()) return std::nullopt;
    }
    return view;
}

PushMembers::Member PushMembers::at(std::size_t i) const {
    const std::size_t at = i * kEntryBytes;
    return Member{.volunteer = strings_.substr(get(index_, at, 4), get(index_, at + 4, 4)),
                  .seq = get(index_, at + 8, 8),
                  .head = strings_.substr(get(index_, at + 16, 4), get(index_, at + 20, 4))};
}

std::vector<PushMembers::Member> PushMembers::of(std::string_view volunteer) const {
    std::size_t lo = 0;
    std::size_t hi = count_;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (at(mid).volunteer < volunteer) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    std::vector<Member> out;
    for (std::size_t i = lo; i < count_; ++i) {
        Member m = at(i);
        if (m.volunteer != volunteer) break;
        out.push_back(m);
    }
    return out;
}

void PushSearch::saw(std::uint64_t batch, const std::vector<PushMembers::Member>& members) {
    if (last_batch_) return;
    const bool reached = std::any_of(members.begin(), members.end(), [&](const PushMembers::Member& m) {
        return m.seq <= after_seq_ || m.seq == after_seq_ + 1;
    });
    if (reached) last_batch_ = batch;
}

void append_deliveries(const PushGroup& group, const std::vector<PushMembers::Member>& members, std::uint64_t after_seq,
                       std::vector<DeliveryRecord>& out) {
    for (const PushMembers::Member& m : members) {
        if (m.seq <= after_seq) continue;
        std::string payload;
        payload.reserve(m.head.size() + group.body.size());
        payload.append(m.head);
        payload.append(group.body);
        out.push_back(DeliveryRecord{.volunteer = std::string(m.volunteer),
                                     .seq = m.seq,
                                     .alert_id = group.alert_id,
                                     .kind = group.kind,
                                     .payload = std::move(payload),
                                     .created_at = group.created_at});
    }
}

void finish_deliveries(std::vector<DeliveryRecord>& out, std::size_t limit) {
    // Stable: among equal seqs the one collected last (the oldest group) comes last; keep it by reversing first.
    std::reverse(out.begin(), out.end());
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
    out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.seq == b.seq; }),
              out.end());
    if (out.size() > limit) out.resize(limit);
}

}  // namespace yihu::store
