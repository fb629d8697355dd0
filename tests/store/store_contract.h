#pragma once

// The contract every Store implementation is held to. The cases live in store_contract_test.cpp; a store's own test
// file runs them all with
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(StoreBackend{"sqlite", open_for_test}),
//                            backend_name);
//
// where the factory opens (or reopens) the store kept for a directory: each test gets a fresh empty directory, and
// "reopen" means destroying the Store object and calling the factory again with the same directory.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <source_location>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "store/store.h"
#include "support/temp_dir.h"

namespace yihu::store {

using testing::TempDir;

// Returns nullptr (after reporting a test failure) when the store cannot be opened.
using StoreFactory = std::function<std::unique_ptr<Store>(const std::filesystem::path& dir)>;

// The factory with a name, so test names and failure messages say which store failed.
struct StoreBackend {
    std::string name;  // letters, digits and underscores: it becomes part of test names
    StoreFactory open;
};
inline void PrintTo(const StoreBackend& backend, std::ostream* out) {
    *out << backend.name;
}
inline std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
    return info.param.name;
}

class StoreContractTest : public ::testing::TestWithParam<StoreBackend> {
  protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(open()); }

    void open() {
        store_ = GetParam().open(dir_.path());
        ASSERT_NE(store_, nullptr) << "could not open a store in " << dir_.path();
    }
    // Destroys the store object and opens the same directory again: what a restart sees.
    void reopen() {
        store_.reset();
        open();
    }
    Store& store() { return *store_; }

    void apply_ok(const WriteBatch& batch, std::source_location where = std::source_location::current()) {
        const Status status = store_->apply(batch);
        if (!status.ok()) ADD_FAILURE_AT(where.file_name(), where.line()) << "apply: " << status.error().message;
    }

    TempDir dir_;  // declared first: outlives the store
    std::unique_ptr<Store> store_;
};

// The value of a Result, or (after reporting a failure at the caller's line) a default one.
template <class T>
T expect_ok(Result<T> result, std::source_location where = std::source_location::current()) {
    if (!result.ok()) {
        ADD_FAILURE_AT(where.file_name(), where.line()) << result.error().message;
        return T{};
    }
    return std::move(result).value();
}

// Records as tuples, so gtest compares them field by field and prints both sides of a mismatch.
inline auto fields(const AlertRecord& r) {
    return std::make_tuple(r.number, r.id, r.active, core::to_ms(r.created_at), core::to_ms(r.updated_at), r.snapshot);
}
inline auto fields(const RecipientRecord& r) {
    return std::make_tuple(r.alert_number, r.volunteer, r.snapshot);
}
inline auto fields(const AuditRecord& r) {
    return std::make_tuple(r.alert_number, r.index, core::to_ms(r.at), r.entry);
}
inline auto fields(const DeliveryRecord& r) {
    return std::make_tuple(r.volunteer, r.seq, r.alert_id, static_cast<int>(r.kind), r.payload,
                           core::to_ms(r.created_at));
}
inline auto fields(const DeviceRecord& r) {
    return std::make_tuple(r.id, r.snapshot);
}
inline auto fields(const IdempotencyRecord& r) {
    return std::make_tuple(r.key, r.request_digest, r.alert_id, core::to_ms(r.created_at));
}
inline auto fields(const CapMessageRecord& r) {
    return std::make_tuple(r.sender, r.identifier, r.alert_id, r.decision, core::to_ms(r.sent));
}
inline auto fields(const VolunteerCursor& c) {
    return std::make_tuple(c.last_seq, c.acked_seq, c.trimmed_seq);
}
inline auto fields(const std::pair<std::string, VolunteerCursor>& p) {
    return std::make_tuple(p.first, p.second.last_seq, p.second.acked_seq, p.second.trimmed_seq);
}
template <class Record>
auto fields(const std::vector<Record>& records) {
    std::vector<decltype(fields(records.front()))> out;
    for (const Record& r : records) out.push_back(fields(r));
    return out;
}
template <class Record>
auto fields(const std::optional<Record>& record) {
    return record ? std::optional(fields(*record)) : std::nullopt;
}

// Records with every field set, distinct per key, so a mix-up between two rows shows.
inline AlertRecord make_alert(std::uint64_t number, std::string id, bool active = true, std::int64_t at_ms = 1'000) {
    std::string snapshot = "alert " + id;
    return AlertRecord{.number = number,
                       .id = std::move(id),
                       .active = active,
                       .created_at = core::time_from_ms(at_ms),
                       .updated_at = core::time_from_ms(at_ms + 500),
                       .snapshot = std::move(snapshot)};
}
inline RecipientRecord make_recipient(std::uint64_t alert_number, std::string volunteer, std::string snapshot = {}) {
    if (snapshot.empty()) snapshot = "recipient " + std::to_string(alert_number) + "/" + volunteer;
    return RecipientRecord{.alert_number = alert_number, .volunteer = std::move(volunteer), .snapshot = snapshot};
}
inline AuditRecord make_audit(std::uint64_t alert_number, std::uint64_t index, std::string entry = {}) {
    if (entry.empty()) entry = "entry " + std::to_string(alert_number) + "#" + std::to_string(index);
    return AuditRecord{.alert_number = alert_number,
                       .index = index,
                       .at = core::time_from_ms(2'000 + static_cast<std::int64_t>(index)),
                       .entry = std::move(entry)};
}
inline DeliveryRecord make_delivery(std::string volunteer, std::uint64_t seq, std::int64_t created_ms = 1'000) {
    std::string payload = "push " + volunteer + "#" + std::to_string(seq);
    return DeliveryRecord{.volunteer = std::move(volunteer),
                          .seq = seq,
                          .alert_id = "a-" + std::to_string(seq % 3),
                          .kind = static_cast<std::uint8_t>(seq % 4),
                          .payload = std::move(payload),
                          .created_at = core::time_from_ms(created_ms)};
}
inline DeviceRecord make_device(std::string id, std::string snapshot = {}) {
    if (snapshot.empty()) snapshot = "device " + id;
    return DeviceRecord{.id = std::move(id), .snapshot = std::move(snapshot)};
}
inline IdempotencyRecord make_key(std::string key, std::string alert_id, std::int64_t created_ms = 1'000) {
    std::string digest = "digest of " + key;
    return IdempotencyRecord{.key = std::move(key),
                             .request_digest = std::move(digest),
                             .alert_id = std::move(alert_id),
                             .created_at = core::time_from_ms(created_ms)};
}

// What the hub writes for a city-wide alert reaching n volunteers: the alert, n recipients, n audit entries and n
// pushes whose bytes are a per-recipient envelope followed by one shared body (one buffer, as the hub shares it).
inline WriteBatch city_wide_batch(std::size_t n) {
    WriteBatch batch;
    batch.alerts = {make_alert(1, "city-1")};
    auto body = std::make_shared<const std::string>(std::string(600, 'b') + "\0end" + std::string(1, '\0'));
    for (std::size_t i = 0; i < n; ++i) {
        const std::string v = "v-" + std::to_string(i);
        batch.recipients.push_back(make_recipient(1, v));
        batch.audit.push_back(make_audit(1, i));
        DeliveryRecord d = make_delivery(v, 1 + i % 3);
        d.alert_id = "city-1";
        d.kind = 1;
        d.payload = "envelope " + v;
        d.shared = body;
        batch.deliveries.push_back(std::move(d));
    }
    return batch;
}

// Checks that `store` holds exactly city_wide_batch(n): every recipient, audit entry, push (joined bytes) and cursor.
inline void expect_city_wide_batch(Store& store, const WriteBatch& batch) {
    std::vector<RecipientRecord> recipients = batch.recipients;
    std::sort(recipients.begin(), recipients.end(),
              [](const auto& a, const auto& b) { return a.volunteer < b.volunteer; });
    EXPECT_TRUE(fields(expect_ok(store.load_recipients(1))) == fields(recipients)) << "recipients differ";
    EXPECT_TRUE(fields(expect_ok(store.load_audit(1, 0, batch.audit.size() + 1))) == fields(batch.audit))
        << "audit differs";
    std::vector<std::pair<std::string, VolunteerCursor>> cursors;
    std::size_t checked = 0;
    for (const DeliveryRecord& d : batch.deliveries) {
        cursors.emplace_back(d.volunteer, VolunteerCursor{.last_seq = d.seq});
        // Every 97th volunteer read back in full (a whole read per volunteer would make the test slow).
        if ((&d - batch.deliveries.data()) % 97 != 0) continue;
        const std::vector<DeliveryRecord> read = expect_ok(store.deliveries_after(d.volunteer, 0, 10));
        ASSERT_EQ(read.size(), 1u) << d.volunteer;
        EXPECT_EQ(read[0].payload, d.payload + *d.shared);
        EXPECT_EQ(read[0].shared, nullptr);
        EXPECT_EQ(fields(read[0]), std::make_tuple(d.volunteer, d.seq, d.alert_id, static_cast<int>(d.kind),
                                                   d.payload + *d.shared, core::to_ms(d.created_at)));
        ++checked;
    }
    EXPECT_GT(checked, batch.deliveries.size() / 100);
    std::sort(cursors.begin(), cursors.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    EXPECT_TRUE(fields(expect_ok(store.load_cursors())) == fields(cursors)) << "cursors differ";
}

}  // namespace yihu::store
