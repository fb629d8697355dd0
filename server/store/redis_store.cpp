#include "store/redis_store.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>

#include "redis/redis_sync.h"
#include "store/record_codec.h"
#include "store/redis_store_scripts.h"

namespace yihu::store {

namespace {

using core::ErrorCode;
using core::make_error;
using redis::Reply;

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

// Redis reads LIMIT's count as a signed 64-bit number, negative meaning "all": callers pass SIZE_MAX for "all".
std::string limit_count(std::size_t limit) {
    return limit > static_cast<std::size_t>(INT64_MAX) ? std::string("-1") : std::to_string(limit);
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

std::string encode(const AuditRecord& a) {
    return RecordWriter().i64(core::to_ms(a.at)).bytes(a.entry).take();
}
bool decode(std::string_view in, AuditRecord& a) {
    RecordReader r(in);
    std::int64_t at = 0;
    r.i64(at) && r.bytes(a.entry);
    a.at = core::time_from_ms(at);
    return r.done();
}

std::string encode(const DeliveryRecord& d) {
    return RecordWriter().bytes(d.alert_id).u64(d.kind).bytes(d.payload).i64(core::to_ms(d.created_at)).take();
}
bool decode(std::string_view in, DeliveryRecord& d) {
    RecordReader r(in);
    std::uint64_t kind = 0;
    std::int64_t created = 0;
    r.bytes(d.alert_id) && r.u64(kind) && r.bytes(d.payload) && r.i64(created);
    d.kind = static_cast<std::uint8_t>(kind);
    d.created_at = core::time_from_ms(created);
    return r.done() && kind <= 0xff;
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
          connection_(options_.address, options_.timeout),
          epoch_(std::move(epoch)),
          apply_script_{"apply batch", redis_scripts::kApply, {}},
          trim_script_{"trim", redis_scripts::kTrim, {}} {}

    static Result<std::unique_ptr<Store>> open(RedisStoreOptions options) {
        redis::SyncConnection probe(options.address, options.timeout);
        const std::string key = options.prefix + ":epoch";
        const std::string fresh = new_epoch();
        Result<Reply> set = redis::require_ok(probe.command({"SET", key, fresh, "NX"}), "create epoch");
        if (!set) return set.error();
        Result<Reply> get = redis::require_ok(probe.command({"GET", key}), "read epoch");
        if (!get) return get.error();
        std::optional<std::string> epoch = redis::optional_string(get->get());
        if (!epoch || epoch->empty()) return corrupt("epoch", key);
        return std::unique_ptr<Store>(new RedisStore(std::move(options), std::move(*epoch)));
    }

    Status apply(const WriteBatch& batch) override {
        if (batch.empty()) return Status::Ok();
        // Every value the script reads is owned here, so the argument views stay valid.
        std::vector<std::string> owned;
        owned.reserve(8 + batch.alerts.size() * 4 + batch.recipients.size() * 3 + batch.audit.size() * 3 +
                      batch.deliveries.size() * 4 + batch.acks.size() * 2 + batch.devices.size() * 2 +
                      batch.idempotency.size() * 3 + batch.outbox.size() * 2 + batch.outbox_done.size() + 2);
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
        count(batch.recipients.size());
        for (const RecipientRecord& r : batch.recipients) {
            add(std::to_string(r.alert_number));
            add(r.volunteer);
            add(r.snapshot);
        }
        count(batch.audit.size());
        for (const AuditRecord& a : batch.audit) {
            add(std::to_string(a.alert_number));
            add(std::to_string(a.index));
            add(encode(a));
        }
        count(batch.deliveries.size());
        for (const DeliveryRecord& d : batch.deliveries) {
            add(d.volunteer);
            add(std::to_string(d.seq));
            add(std::to_string(core::to_ms(d.created_at)));
            add(encode(d));
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
        return Status::Ok();
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
        Result<Reply> all = command({"HGETALL", key("rcpt:", alert_number)}, "load recipients");
        if (!all) return all.error();
        std::vector<RecipientRecord> out;
        for (std::size_t i = 0; i + 1 < redis::element_count(all->get()); i += 2) {
            out.push_back(RecipientRecord{.alert_number = alert_number,
                                          .volunteer = std::string(redis::text(redis::element(all->get(), i))),
                                          .snapshot = std::string(redis::text(redis::element(all->get(), i + 1)))});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.volunteer < b.volunteer; });
        return out;
    }

    Result<std::vector<AuditRecord>> load_audit(std::uint64_t alert_number, std::uint64_t from_index,
                                                std::size_t limit) override {
        std::vector<AuditRecord> out;
        Status status =
            read_range(key("auditz:", alert_number), key("audit:", alert_number), std::to_string(from_index), limit,
                       "audit entry", [&](std::uint64_t index, std::string_view value) {
                           AuditRecord a{.alert_number = alert_number, .index = index};
                           if (!decode(value, a)) return false;
                           out.push_back(std::move(a));
                           return true;
                       });
        if (!status) return status.error();
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

    Result<std::vector<OutboxRecord>> load_outbox() override {
        const std::string outbox_key = key("outbox");
        Result<Reply> all = command({"HGETALL", outbox_key}, "load outbox");
        if (!all) return all.error();
        std::vector<OutboxRecord> out;
        for (std::size_t i = 1; i < redis::element_count(all->get()); i += 2) {
            OutboxRecord o;
            if (!decode(redis::text(redis::element(all->get(), i)), o)) return corrupt("outbox message", outbox_key);
            out.push_back(std::move(o));
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            return std::tie(a.created_at, a.peer, a.message_id) < std::tie(b.created_at, b.peer, b.message_id);
        });
        return out;
    }

    Result<VolunteerCursor> cursor(std::string_view volunteer) override {
        Result<Reply> fields = command({"HMGET", key("cursor:", volunteer), "last", "acked", "trimmed"}, "cursor");
        if (!fields) return fields.error();
        return to_cursor(fields->get());
    }

    Result<std::vector<std::pair<std::string, VolunteerCursor>>> load_cursors() override {
        Result<Reply> members = command({"SMEMBERS", key("cursors")}, "load cursors");
        if (!members) return members.error();
        std::vector<std::string> volunteers;
        for (std::size_t i = 0; i < redis::element_count(members->get()); ++i) {
            volunteers.emplace_back(redis::text(redis::element(members->get(), i)));
        }
        std::sort(volunteers.begin(), volunteers.end());
        std::vector<std::pair<std::string, VolunteerCursor>> out;
        out.reserve(volunteers.size());
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
                out.emplace_back(volunteers[i], to_cursor(r));
            }
        }
        return out;
    }

    Result<std::vector<DeliveryRecord>> deliveries_after(std::string_view volunteer, std::uint64_t after_seq,
                                                         std::size_t limit) override {
        std::vector<DeliveryRecord> out;
        Status status = read_range(key("dlvz:", volunteer), key("dlvh:", volunteer), "(" + std::to_string(after_seq),
                                   limit, "delivery", [&](std::uint64_t seq, std::string_view value) {
                                       DeliveryRecord d{.volunteer = std::string(volunteer), .seq = seq};
                                       if (!decode(value, d)) return false;
                                       out.push_back(std::move(d));
                                       return true;
                                   });
        if (!status) return status.error();
        return out;
    }

    Result<std::size_t> trim(Time deliveries_before, Time keys_before) override {
        const std::string deliveries_ms = std::to_string(core::to_ms(deliveries_before));
        const std::string keys_ms = std::to_string(core::to_ms(keys_before));
        const std::uint64_t limit = std::max<std::uint64_t>(1, options_.trim_chunk);
        const std::string chunk = std::to_string(limit);
        std::size_t total = 0;
        for (;;) {
            Result<Reply> reply =
                redis::require_ok(connection_.eval(trim_script_, {options_.prefix, options_.fence_key,
                                                                  options_.fence_value, deliveries_ms, keys_ms, chunk}),
                                  "redis store: trim");
            if (!reply) return reply.error();
            const std::uint64_t pushes = redis::as_u64(redis::element(reply->get(), 0));
            const std::uint64_t keys = redis::as_u64(redis::element(reply->get(), 1));
            total += static_cast<std::size_t>(pushes + keys);
            if (pushes < limit && keys < limit) return total;
        }
    }

  private:
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

    // Rows kept as a zset of numbers next to a hash number -> record (audit entries, deliveries): the numbers from
    // `min` up (at most `limit`), then their records, handed to `take` in order (false: unreadable). A number whose
    // record went in between (trimmed) is skipped.
    template <class Take>
    Status read_range(const std::string& index_key, const std::string& records_key, const std::string& min,
                      std::size_t limit, std::string_view what, Take take) {
        if (limit == 0) return Status::Ok();
        const std::string count = limit_count(limit);
        Result<Reply> numbers = command({"ZRANGEBYSCORE", index_key, min, "+inf", "LIMIT", "0", count}, what);
        if (!numbers) return numbers.error();
        const std::size_t n = redis::element_count(numbers->get());
        if (n == 0) return Status::Ok();
        std::vector<std::string_view> args = {"HMGET", records_key};
        for (std::size_t i = 0; i < n; ++i) args.push_back(redis::text(redis::element(numbers->get(), i)));
        Result<Reply> records = command(args, what);
        if (!records) return records.error();
        for (std::size_t i = 0; i < redis::element_count(records->get()); ++i) {
            const redisReply* r = redis::element(records->get(), i);
            if (r->type == REDIS_REPLY_NIL) continue;
            if (!take(redis::as_u64(redis::element(numbers->get(), i)), redis::text(r))) {
                return corrupt(what, records_key);
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
    redis::Script trim_script_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_redis_store(RedisStoreOptions options) {
    return RedisStore::open(std::move(options));
}

}  // namespace yihu::store
