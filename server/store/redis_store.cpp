#include "store/redis_store.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <random>

#include "redis/redis_sync.h"
#include "store/record_codec.h"
#include "store/record_sets.h"
#include "store/redis_store_scripts.h"

namespace yihu::store {

namespace {

using core::ErrorCode;
using core::make_error;
using redis::Reply;

// The layout this build reads and writes (redis_store_scripts.h). A prefix that holds data but no format key was
// written in format 1 (a key per recipient and push): it is refused rather than read wrongly.
constexpr std::string_view kFormat = "2";

Status check_format(redis::SyncConnection& connection, const std::string& prefix) {
    const std::string format_key = prefix + ":format";
    Result<Reply> old = redis::require_ok(
        connection.command({"EXISTS", prefix + ":alerts", prefix + ":cursors", prefix + ":devices", prefix + ":idem"}),
        "check store format");
    if (!old) return old.error();
    Result<Reply> get = redis::require_ok(connection.command({"GET", format_key}), "read store format");
    if (!get) return get.error();
    std::optional<std::string> format = redis::optional_string(get->get());
    if (!format) {
        if (redis::as_u64(old->get()) > 0) {
            return make_error(ErrorCode::kUnavailable,
                              "redis store: '" + prefix +
                                  "' holds data in store format 1 (no format key); this build reads format 2: "
                                  "drain the city and start on an empty prefix (docs/server.md, storage format)");
        }
        Result<Reply> set =
            redis::require_ok(connection.command({"SET", format_key, kFormat, "NX"}), "write store format");
        if (!set) return set.error();
        return Status::Ok();
    }
    if (*format != kFormat) {
        return make_error(ErrorCode::kUnavailable, "redis store: '" + prefix + "' holds store format " + *format +
                                                       ", not one this build knows (" + std::string(kFormat) + ")");
    }
    return Status::Ok();
}

std::string new_epoch() {
    std::random_device random;
    const std::uint64_t value = (static_cast<std::uint64_t>(random()) << 32) ^ random();
    std::array<char, 17> hex{};
    std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(value));
    return std::string(hex.data(), 16);
}

core::Error corrupt(std::string_view what, std::string_view key) {
    std::string message = "redis store: unreadable ";
    message += what;
    message += " at ";
    message += key;
    return make_error(ErrorCode::kUnavailable, std::move(message));
}

std::string encode(const AlertRecord& a) {
    return RecordWriter()
        .u64(a.number)
        .bytes(a.id)
        .u64(a.active ? 1 : 0)
        .i64(core::to_ms(a.created_at))
        .i64(core::to_ms(a.updated_at))
        .bytes(a.snapshot)
        .take();
}
bool decode(std::string_view in, AlertRecord& a) {
    RecordReader r(in);
    std::uint64_t active = 0;
    std::int64_t created = 0;
    std::int64_t updated = 0;
    r.u64(a.number) && r.bytes(a.id) && r.u64(active) && r.i64(created) && r.i64(updated) && r.bytes(a.snapshot);
    a.active = active != 0;
    a.created_at = core::time_from_ms(created);
    a.updated_at = core::time_from_ms(updated);
    return r.done();
}

// A push group's header: everything but the member index (kept in its own hash, so a search reads no body).
std::string encode_header(const PushGroup& g) {
    return RecordWriter()
        .i64(core::to_ms(g.created_at))
        .bytes(g.alert_id)
        .u64(g.kind)
        .u64(g.count)
        .bytes(g.body)
        .take();
}
bool decode_header(std::string_view in, PushGroup& g) {
    RecordReader r(in);
    std::int64_t created = 0;
    std::uint64_t kind = 0;
    std::uint64_t count = 0;
    r.i64(created) && r.bytes(g.alert_id) && r.u64(kind) && r.u64(count) && r.bytes(g.body);
    g.created_at = core::time_from_ms(created);
    g.kind = static_cast<std::uint8_t>(kind);
    g.count = static_cast<std::size_t>(count);
    return r.done() && kind <= 0xff;
}

std::string encode(const AuditSet& a) {
    return RecordWriter().u64(a.min_index).u64(a.max_index).bytes(a.entries).take();
}

std::string encode(const IdempotencyRecord& k) {
    return RecordWriter().bytes(k.request_digest).bytes(k.alert_id).i64(core::to_ms(k.created_at)).take();
}
bool decode(std::string_view in, IdempotencyRecord& k) {
    RecordReader r(in);
    std::int64_t created = 0;
    r.bytes(k.request_digest) && r.bytes(k.alert_id) && r.i64(created);
    k.created_at = core::time_from_ms(created);
    return r.done();
}

std::string encode(const CapMessageRecord& m) {
    return RecordWriter()
        .bytes(m.sender)
        .bytes(m.identifier)
        .bytes(m.alert_id)
        .u64(m.decision)
        .i64(core::to_ms(m.sent))
        .take();
}
bool decode(std::string_view in, CapMessageRecord& m) {
    RecordReader r(in);
    std::uint64_t decision = 0;
    std::int64_t sent = 0;
    r.bytes(m.sender) && r.bytes(m.identifier) && r.bytes(m.alert_id) && r.u64(decision) && r.i64(sent);
    m.decision = static_cast<std::uint8_t>(decision);
    m.sent = core::time_from_ms(sent);
    return r.done() && decision <= 0xff;
}
// The hash field of a CAP message: its (sender, identifier), length-prefixed so that no text can collide.
std::string cap_field(const CapMessageRecord& m) {
    return RecordWriter().bytes(m.sender).bytes(m.identifier).take();
}

std::string encode(const OutboxRecord& o) {
    return RecordWriter().bytes(o.peer).bytes(o.message_id).bytes(o.payload).i64(core::to_ms(o.created_at)).take();
}
bool decode(std::string_view in, OutboxRecord& o) {
    RecordReader r(in);
    std::int64_t created = 0;
    r.bytes(o.peer) && r.bytes(o.message_id) && r.bytes(o.payload) && r.i64(created);
    o.created_at = core::time_from_ms(created);
    return r.done();
}
// Peer names are [A-Za-z0-9_-] (ops/peer_config.h), so a space separates the two parts unambiguously.
std::string outbox_field(std::string_view peer, std::string_view message_id) {
    return std::string(peer) + " " + std::string(message_id);
}

class RedisStore final : public Store {
  public:
    RedisStore(RedisStoreOptions options, std::string epoch)
        : options_(std::move(options)),
          connection_(options_.address, connection_timeout(options_)),
          epoch_(std::move(epoch)),
          apply_script_{"apply batch", redis_scripts::kApply, {}},
          trim_groups_script_{"trim push groups", redis_scripts::kTrimGroups, {}},
          trim_keys_script_{"trim idempotency keys", redis_scripts::kTrimKeys, {}} {}

    static Result<std::unique_ptr<Store>> open(RedisStoreOptions options) {
        redis::SyncConnection probe(options.address, connection_timeout(options));
        const std::string key = options.prefix + ":epoch";
        const std::string fresh = new_epoch();
        Result<Reply> set = redis::require_ok(probe.command({"SET", key, fresh, "NX"}), "create epoch");
        if (!set) return set.error();
        // A new epoch tells every phone its sequence numbers start over: it must not vanish in a failover.
        if (set->get()->type != REDIS_REPLY_NIL) {
            if (Status s = probe.wait_for_replicas(options.wait_replicas, options.wait_timeout); !s) return s.error();
        }
        Result<Reply> get = redis::require_ok(probe.command({"GET", key}), "read epoch");
        if (!get) return get.error();
        std::optional<std::string> epoch = redis::optional_string(get->get());
        if (!epoch || epoch->empty()) return corrupt("epoch", key);
        if (Status s = check_format(probe, options.prefix); !s) return s.error();
        return std::unique_ptr<Store>(new RedisStore(std::move(options), std::move(*epoch)));
    }

    Status apply(const WriteBatch& batch) override {
        if (batch.empty()) return Status::Ok();
        Result<std::vector<PushGroup>> groups = push_groups(batch.deliveries);
        if (!groups) return make_error(groups.error().code, "redis store: apply: " + groups.error().message);
        const std::vector<RecipientSet> rsets = recipient_sets(batch.recipients);
        const std::vector<AuditSet> asets = audit_sets(batch.audit);
        // Every value the script reads is owned here, so the argument views stay valid.
        std::vector<std::string> owned;
        owned.reserve(8 + batch.alerts.size() * 4 + rsets.size() * 2 + asets.size() * 2 + groups->size() * 3 +
                      batch.acks.size() * 2 + batch.devices.size() * 2 + batch.idempotency.size() * 3 +
                      batch.cap_messages.size() * 2 + batch.outbox.size() * 2 + batch.outbox_done.size() + 2);
        std::vector<std::string_view> args = {options_.prefix, options_.fence_key, options_.fence_value};
        auto add = [&](std::string value) { owned.push_back(std::move(value)); };
        auto count = [&](std::size_t n) { add(std::to_string(n)); };

        count(batch.alerts.size());
        for (const AlertRecord& a : batch.alerts) {
            add(std::to_string(a.number));
            add(a.id);
            add(a.active ? "1" : "0");
            add(encode(a));
        }
        count(rsets.size());
        for (const RecipientSet& r : rsets) {
            add(std::to_string(r.alert_number));
            add(r.members);
        }
        count(asets.size());
        for (const AuditSet& a : asets) {
            add(std::to_string(a.alert_number));
            add(encode(a));
        }
        count(groups->size());
        for (const PushGroup& g : *groups) {
            add(std::to_string(core::to_ms(g.created_at)));
            add(encode_header(g));
            add(g.members);
        }
        count(batch.acks.size());
        for (const auto& [volunteer, seq] : batch.acks) {
            add(volunteer);
            add(std::to_string(seq));
        }
        count(batch.devices.size());
        for (const DeviceRecord& d : batch.devices) {
            add(d.id);
            add(d.snapshot);
        }
        count(batch.idempotency.size());
        for (const IdempotencyRecord& k : batch.idempotency) {
            add(k.key);
            add(std::to_string(core::to_ms(k.created_at)));
            add(encode(k));
        }
        count(batch.cap_messages.size());
        for (const CapMessageRecord& m : batch.cap_messages) {
            add(cap_field(m));
            add(encode(m));
        }
        count(batch.outbox.size());
        for (const OutboxRecord& o : batch.outbox) {
            add(outbox_field(o.peer, o.message_id));
            add(encode(o));
        }
        count(batch.outbox_done.size());
        for (const auto& [peer, message_id] : batch.outbox_done) add(outbox_field(peer, message_id));
        for (const std::string& s : owned) args.push_back(s);
        Result<Reply> reply = redis::require_ok(connection_.eval(apply_script_, args), "redis store: apply");
        if (!reply) return reply.error();
        return confirm_by_replicas(options_.wait_timeout);
    }

    std::optional<std::string> write_refusal() const override { return refusal_; }

    void probe_writes() override {
        if (refusal_) (void)confirm_by_replicas(std::min(options_.probe_timeout, options_.wait_timeout));
    }

    const std::string& epoch() const override { return epoch_; }

    Result<std::vector<AlertRecord>> load_alerts(bool active_only) override {
        std::vector<AlertRecord> out;
        if (active_only) {
            Result<Reply> numbers = command({"ZRANGE", key("alerts_active"), "0", "-1"}, "load active alerts");
            if (!numbers) return numbers.error();
            if (redis::element_count(numbers->get()) == 0) return out;
            const std::string alerts_key = key("alerts");
            std::vector<std::string_view> args = {"HMGET", alerts_key};
            for (std::size_t i = 0; i < redis::element_count(numbers->get()); ++i) {
                args.push_back(redis::text(redis::element(numbers->get(), i)));
            }
            Result<Reply> records = command(args, "load active alerts");
            if (!records) return records.error();
            for (std::size_t i = 0; i < redis::element_count(records->get()); ++i) {
                const redisReply* r = redis::element(records->get(), i);
                if (r->type == REDIS_REPLY_NIL) continue;  // an active mark without a record: not an alert
                AlertRecord a;
                if (!decode(redis::text(r), a)) return corrupt("alert", alerts_key);
                out.push_back(std::move(a));
            }
        } else {
            const std::string alerts_key = key("alerts");
            Result<Reply> all = command({"HGETALL", alerts_key}, "load alerts");
            if (!all) return all.error();
            for (std::size_t i = 1; i < redis::element_count(all->get()); i += 2) {
                AlertRecord a;
                if (!decode(redis::text(redis::element(all->get(), i)), a)) return corrupt("alert", alerts_key);
                out.push_back(std::move(a));
            }
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.number < b.number; });
        return out;
    }

    Result<std::optional<AlertRecord>> find_alert(std::string_view id) override {
        Result<Reply> number = command({"HGET", key("alert_ids"), id}, "find alert");
        if (!number) return number.error();
        if ((*number)->type == REDIS_REPLY_NIL) return std::optional<AlertRecord>();
        const std::string alerts_key = key("alerts");
        Result<Reply> record = command({"HGET", alerts_key, redis::text(number->get())}, "find alert");
        if (!record) return record.error();
        if ((*record)->type == REDIS_REPLY_NIL) return std::optional<AlertRecord>();
        AlertRecord a;
        if (!decode(redis::text(record->get()), a)) return corrupt("alert", alerts_key);
        return std::optional<AlertRecord>(std::move(a));
    }

    Result<std::vector<RecipientRecord>> load_recipients(std::uint64_t alert_number) override {
        const std::string sets_key = key("rset:", alert_number);
        Result<Reply> sets = command({"LRANGE", sets_key, "0", "-1"}, "load recipients");
        if (!sets) return sets.error();
        std::map<std::string, RecipientRecord> merged;
        for (std::size_t i = 0; i < redis::element_count(sets->get()); ++i) {
            if (!read_recipient_set(redis::text(redis::element(sets->get(), i)), alert_number, merged)) {
                return corrupt("recipient set", sets_key);
            }
        }
        std::vector<RecipientRecord> out;
        out.reserve(merged.size());
        for (auto& [volunteer, record] : merged) out.push_back(std::move(record));
        return out;
    }

    Result<std::vector<AuditRecord>> load_audit(std::uint64_t alert_number, std::uint64_t from_index,
                                                std::size_t limit) override {
        std::vector<AuditRecord> out;
        if (limit == 0) return out;
        const std::string sets_key = key("aset:", alert_number);
        Result<Reply> sets = command({"LRANGE", sets_key, "0", "-1"}, "load audit");
        if (!sets) return sets.error();
        std::map<std::uint64_t, AuditRecord> merged;
        for (std::size_t i = 0; i < redis::element_count(sets->get()); ++i) {
            RecordReader r(redis::text(redis::element(sets->get(), i)));
            std::uint64_t min_index = 0;
            std::uint64_t max_index = 0;
            std::string entries;
            if (!(r.u64(min_index) && r.u64(max_index) && r.bytes(entries) && r.done())) {
                return corrupt("audit set", sets_key);
            }
            if (max_index < from_index) continue;
            if (!read_audit_set(entries, alert_number, from_index, merged)) return corrupt("audit set", sets_key);
        }
        for (auto& [index, record] : merged) {
            if (out.size() == limit) break;
            out.push_back(std::move(record));
        }
        return out;
    }

    Result<std::vector<DeviceRecord>> load_devices() override {
        Result<Reply> all = command({"HGETALL", key("devices")}, "load devices");
        if (!all) return all.error();
        std::vector<DeviceRecord> out;
        for (std::size_t i = 0; i + 1 < redis::element_count(all->get()); i += 2) {
            out.push_back(DeviceRecord{.id = std::string(redis::text(redis::element(all->get(), i))),
                                       .snapshot = std::string(redis::text(redis::element(all->get(), i + 1)))});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        return out;
    }

    Result<std::optional<IdempotencyRecord>> find_idempotency(std::string_view idempotency_key) override {
        const std::string idem_key = key("idem");
        Result<Reply> record = command({"HGET", idem_key, idempotency_key}, "find idempotency key");
        if (!record) return record.error();
        if ((*record)->type == REDIS_REPLY_NIL) return std::optional<IdempotencyRecord>();
        IdempotencyRecord k{.key = std::string(idempotency_key)};
        if (!decode(redis::text(record->get()), k)) return corrupt("idempotency key", idem_key);
        return std::optional<IdempotencyRecord>(std::move(k));
    }

    Result<std::vector<CapMessageRecord>> load_cap_messages() override {
        const std::string cap_key = key("cap");
        Result<Reply> all = command({"HGETALL", cap_key}, "load CAP messages");
        if (!all) return all.error();
        std::vector<CapMessageRecord> out;
        for (std::size_t i = 1; i < redis::element_count(all->get()); i += 2) {
            CapMessageRecord m;
            if (!decode(redis::text(redis::element(all->get(), i)), m)) return corrupt("CAP message", cap_key);
            out.push_back(std::move(m));
        }
        return out;
    }

    Result<std::vector<OutboxRecord>> load_outbox() override {
        const std::string outbox_key = key("outbox");
        const std::string order_key = key("outbox_order");
        Result<std::vector<Reply>> read =
            connection_.pipeline({{"HGETALL", outbox_key}, {"ZRANGE", order_key, "0", "-1"}});
        if (!read) return make_error(read.error().code, "redis store: load outbox: " + read.error().message);
        for (const Reply& r : *read) {
            if (redis::is_error(r.get())) {
                return make_error(ErrorCode::kUnavailable,
                                  "redis store: load outbox: " + std::string(redis::text(r.get())));
            }
        }
        const redisReply* all = (*read)[0].get();
        const redisReply* order = (*read)[1].get();
        std::map<std::string_view, OutboxRecord> by_field;
        for (std::size_t i = 0; i + 1 < redis::element_count(all); i += 2) {
            OutboxRecord o;
            if (!decode(redis::text(redis::element(all, i + 1)), o)) return corrupt("outbox message", outbox_key);
            by_field.emplace(redis::text(redis::element(all, i)), std::move(o));
        }
        // Messages written before the order was kept come first (they were written before any that has a place),
        // in the order that build used.
        std::vector<OutboxRecord> out;
        std::vector<OutboxRecord> ordered;
        for (std::size_t i = 0; i < redis::element_count(order); ++i) {
            auto it = by_field.find(redis::text(redis::element(order, i)));
            if (it == by_field.end()) continue;  // a place without a message: nothing to load
            ordered.push_back(std::move(it->second));
            by_field.erase(it);
        }
        for (auto& [field, o] : by_field) out.push_back(std::move(o));
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            return std::tie(a.created_at, a.peer, a.message_id) < std::tie(b.created_at, b.peer, b.message_id);
        });
        out.insert(out.end(), std::make_move_iterator(ordered.begin()), std::make_move_iterator(ordered.end()));
        return out;
    }

    Result<VolunteerCursor> cursor(std::string_view volunteer) override {
        Result<Reply> fields = command({"HMGET", key("cursor:", volunteer), "last", "acked", "trimmed"}, "cursor");
        if (!fields) return fields.error();
        VolunteerCursor cursor = to_cursor(fields->get());
        Status s = for_each_group_members([&](std::string_view, const PushMembers& members) {
            for (const PushMembers::Member& m : members.of(volunteer))
                cursor.last_seq = std::max(cursor.last_seq, m.seq);
            return true;
        });
        if (!s) return s.error();
        return cursor;
    }

    Result<std::vector<std::pair<std::string, VolunteerCursor>>> load_cursors() override {
        Result<Reply> members = command({"SMEMBERS", key("cursors")}, "load cursors");
        if (!members) return members.error();
        std::vector<std::string> volunteers;
        for (std::size_t i = 0; i < redis::element_count(members->get()); ++i) {
            volunteers.emplace_back(redis::text(redis::element(members->get(), i)));
        }
        std::map<std::string, VolunteerCursor> cursors;
        constexpr std::size_t kChunk = 1000;  // one round trip per thousand volunteers
        for (std::size_t from = 0; from < volunteers.size(); from += kChunk) {
            const std::size_t to = std::min(volunteers.size(), from + kChunk);
            std::vector<std::string> keys;
            keys.reserve(to - from);
            std::vector<std::vector<std::string_view>> commands;
            for (std::size_t i = from; i < to; ++i) keys.push_back(key("cursor:", volunteers[i]));
            for (const std::string& k : keys) commands.push_back({"HMGET", k, "last", "acked", "trimmed"});
            Result<std::vector<Reply>> replies = connection_.pipeline(commands);
            if (!replies) return replies.error();
            for (std::size_t i = from; i < to; ++i) {
                const redisReply* r = (*replies)[i - from].get();
                if (redis::is_error(r)) return corrupt("cursor", keys[i - from]);
                cursors[volunteers[i]] = to_cursor(r);
            }
        }
        Status s = for_each_group_members([&](std::string_view, const PushMembers& group) {
            for (std::size_t i = 0; i < group.size(); ++i) {
                const PushMembers::Member m = group.at(i);
                std::uint64_t& last = cursors[std::string(m.volunteer)].last_seq;
                last = std::max(last, m.seq);
            }
            return true;
        });
        if (!s) return s.error();
        return std::vector<std::pair<std::string, VolunteerCursor>>(cursors.begin(), cursors.end());
    }

    Result<std::vector<DeliveryRecord>> deliveries_after(std::string_view volunteer, std::uint64_t after_seq,
                                                         std::size_t limit) override {
        std::vector<DeliveryRecord> out;
        if (limit == 0) return out;
        std::optional<core::Error> failure;
        const std::string headers_key = key("pgh");
        PushSearch search(after_seq);
        Status s = for_each_group_members(
            [&](std::string_view id, const PushMembers& group) {
                const std::uint64_t batch = batch_of(id);
                if (!search.wants(batch)) return false;
                std::vector<PushMembers::Member> mine = group.of(volunteer);
                if (mine.empty()) return true;
                Result<Reply> header = command({"HGET", headers_key, id}, "read push group");
                if (!header) {
                    failure = header.error();
                    return false;
                }
                if ((*header)->type == REDIS_REPLY_NIL) return true;  // trimmed in between
                PushGroup g;
                if (!decode_header(redis::text(header->get()), g)) {
                    failure = corrupt("push group header", headers_key);
                    return false;
                }
                append_deliveries(g, mine, after_seq, out);
                search.saw(batch, mine);
                return true;
            },
            /*newest_first=*/true);
        if (!s) return s.error();
        if (failure) return *failure;
        finish_deliveries(out, limit);
        return out;
    }

    Result<std::size_t> trim(Time deliveries_before, Time keys_before) override {
        const std::string deliveries_ms = std::to_string(core::to_ms(deliveries_before));
        const std::string keys_ms = std::to_string(core::to_ms(keys_before));
        const std::size_t limit = std::max<std::size_t>(1, options_.trim_chunk);
        const std::string chunk = std::to_string(limit);
        std::size_t total = 0;
        // Push groups, a few at a time: each script removes groups holding about `limit` pushes (one group at least).
        for (;;) {
            Result<Reply> ids =
                command({"ZRANGEBYSCORE", key("pg_time"), "-inf", "(" + deliveries_ms, "LIMIT", "0", "16"},
                        "trim: find old push groups");
            if (!ids) return ids.error();
            const std::size_t n = redis::element_count(ids->get());
            if (n == 0) break;
            std::vector<std::string> taken;
            std::map<std::string, std::uint64_t> top;
            std::size_t pushes = 0;
            for (std::size_t i = 0; i < n && (taken.empty() || pushes < limit); ++i) {
                const std::string id(redis::text(redis::element(ids->get(), i)));
                const std::string members_key = key("pgm");
                Result<Reply> members = command({"HGET", members_key, id}, "trim: read push group");
                if (!members) return members.error();
                std::optional<PushMembers> group = PushMembers::parse(redis::text(members->get()));
                if (!group) return corrupt("push group", members_key);
                for (std::size_t m = 0; m < group->size(); ++m) {
                    const PushMembers::Member member = group->at(m);
                    std::uint64_t& seq = top[std::string(member.volunteer)];
                    seq = std::max(seq, member.seq);
                }
                pushes += group->size();
                taken.push_back(id);
            }
            std::vector<std::string> owned;
            owned.reserve(2 + top.size() * 2);
            std::vector<std::string_view> args = {options_.prefix, options_.fence_key, options_.fence_value};
            owned.push_back(std::to_string(taken.size()));
            args.push_back(owned.back());
            for (const std::string& id : taken) args.push_back(id);
            owned.push_back(std::to_string(top.size()));
            args.push_back(owned.back());
            for (const auto& [volunteer, seq] : top) {
                owned.push_back(std::to_string(seq));
                args.push_back(volunteer);
                args.push_back(owned.back());
            }
            Result<Reply> reply =
                redis::require_ok(connection_.eval(trim_groups_script_, args), "redis store: trim push groups");
            if (!reply) return reply.error();
            total += pushes;
        }
        for (;;) {
            Result<Reply> reply = redis::require_ok(
                connection_.eval(trim_keys_script_,
                                 {options_.prefix, options_.fence_key, options_.fence_value, keys_ms, chunk}),
                "redis store: trim idempotency keys");
            if (!reply) return reply.error();
            const std::uint64_t keys = redis::as_u64(reply->get());
            total += static_cast<std::size_t>(keys);
            if (keys < limit) return total;
        }
    }

  private:
    // WAIT for wait_replicas replicas to have every write of this connection: Ok, and the refusal cleared, when
    // enough do; kUnavailable, and the refusal set, when fewer did within `timeout`. A Redis that did not answer is
    // an error that leaves the refusal as it was (the store is not reachable: not a matter of replicas).
    Status confirm_by_replicas(std::chrono::milliseconds timeout) {
        if (options_.wait_replicas <= 0) return Status::Ok();
        Result<std::uint64_t> confirmed = connection_.replicas_with_writes(options_.wait_replicas, timeout);
        if (!confirmed) return confirmed.error();
        if (*confirmed >= static_cast<std::uint64_t>(options_.wait_replicas)) {
            refusal_.reset();
            return Status::Ok();
        }
        refusal_ = std::to_string(*confirmed) + " of " + std::to_string(options_.wait_replicas) +
                   " replicas confirmed the last write within " + std::to_string(timeout.count()) + " ms";
        return make_error(core::ErrorCode::kUnavailable, "redis store: " + *refusal_);
    }

    // A WAIT may take its whole timeout before the reply: the socket must not give up first.
    static std::chrono::milliseconds connection_timeout(const RedisStoreOptions& o) {
        return o.wait_replicas > 0 ? o.timeout + o.wait_timeout : o.timeout;
    }

    std::string key(std::string_view name) const {
        std::string k = options_.prefix;
        k += ':';
        k += name;
        return k;
    }
    std::string key(std::string_view name, std::string_view suffix) const {
        std::string k = key(name);
        k += suffix;
        return k;
    }
    std::string key(std::string_view name, std::uint64_t number) const { return key(name, std::to_string(number)); }

    // A group id is "<commit>:<number>".
    static std::uint64_t batch_of(std::string_view id) {
        std::uint64_t batch = 0;
        for (char c : id.substr(0, id.find(':'))) batch = batch * 10 + static_cast<std::uint64_t>(c - '0');
        return batch;
    }

    // Calls `visit(id, members)` for every push group, oldest first (or newest first), until it returns false.
    // Reads the member indexes a chunk of groups per round trip; bodies are not read.
    template <class Visit>
    Status for_each_group_members(Visit visit, bool newest_first = false) {
        const std::string ids_key = key("pg_ids");
        Result<Reply> ids = command({newest_first ? "ZREVRANGE" : "ZRANGE", ids_key, "0", "-1"}, "list push groups");
        if (!ids) return ids.error();
        const std::size_t n = redis::element_count(ids->get());
        const std::string members_key = key("pgm");
        constexpr std::size_t kChunk = 8;
        for (std::size_t from = 0; from < n; from += kChunk) {
            std::vector<std::string_view> args = {"HMGET", members_key};
            const std::size_t to = std::min(n, from + kChunk);
            for (std::size_t i = from; i < to; ++i) args.push_back(redis::text(redis::element(ids->get(), i)));
            Result<Reply> members = command(args, "read push groups");
            if (!members) return members.error();
            for (std::size_t i = from; i < to; ++i) {
                const redisReply* r = redis::element(members->get(), i - from);
                if (r->type == REDIS_REPLY_NIL) continue;  // trimmed in between
                std::optional<PushMembers> group = PushMembers::parse(redis::text(r));
                if (!group) return corrupt("push group", members_key);
                if (!visit(redis::text(redis::element(ids->get(), i)), *group)) return Status::Ok();
            }
        }
        return Status::Ok();
    }

    Result<Reply> command(const std::vector<std::string_view>& args, std::string_view what) {
        std::string context = "redis store: ";
        context += what;
        return redis::require_ok(connection_.command(args), context);
    }

    static VolunteerCursor to_cursor(const redisReply* fields) {
        return VolunteerCursor{.last_seq = redis::as_u64(redis::element(fields, 0)),
                               .acked_seq = redis::as_u64(redis::element(fields, 1)),
                               .trimmed_seq = redis::as_u64(redis::element(fields, 2))};
    }

    RedisStoreOptions options_;
    redis::SyncConnection connection_;
    std::string epoch_;
    redis::Script apply_script_;
    redis::Script trim_groups_script_;
    redis::Script trim_keys_script_;
    std::optional<std::string> refusal_;  // write_refusal()
};

}  // namespace

Result<std::unique_ptr<Store>> open_redis_store(RedisStoreOptions options) {
    return RedisStore::open(std::move(options));
}

}  // namespace yihu::store
