// The Store contract (see store_contract.h): the semantics of store/store.h, checked the same way for every
// implementation. Nothing here knows which store it runs against.

#include "store/store_contract.h"

#include <limits>
#include <random>
#include <string_view>

namespace yihu::store {
namespace {

using core::ErrorCode;
using core::time_from_ms;
using namespace std::string_literals;

// One of everything, as the hub would write after creating an alert and pushing it.
WriteBatch full_batch() {
    WriteBatch batch;
    batch.alerts = {make_alert(1, "a-1"), make_alert(2, "a-2", false)};
    batch.recipients = {make_recipient(1, "v1"), make_recipient(1, "v2")};
    batch.audit = {make_audit(1, 0), make_audit(1, 1)};
    batch.deliveries = {make_delivery("v1", 1), make_delivery("v1", 2), make_delivery("v2", 1)};
    batch.acks = {{"v1", 1}};
    batch.devices = {make_device("d1")};
    batch.idempotency = {make_key("k1", "a-1")};
    batch.cap_messages = {CapMessageRecord{"cma.gov.cn", "w-1", "a-1", 0, core::time_from_ms(5'000)}};
    return batch;
}

std::vector<DeviceRecord> sorted_by_id(std::vector<DeviceRecord> devices) {
    std::sort(devices.begin(), devices.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return devices;
}

// Bytes no text API would keep: NULs (leading, inner, trailing), 0xff, invalid UTF-8.
const std::string kAwkwardBytes = "\0head\0\xff\xfe\x80mid\0\0tail\0"s;

std::string megabyte_of_bytes() {
    std::string bytes(1 << 20, '\0');
    std::uint32_t state = 12345;
    for (char& c : bytes) {
        state = state * 1'103'515'245u + 12'345u;
        c = static_cast<char>(state >> 24);  // every byte value, NUL included
    }
    return bytes;
}

TEST_P(StoreContractTest, EmptyBatchIsOkAndChangesNothing) {
    EXPECT_TRUE(store().apply(WriteBatch{}).ok());
    apply_ok(full_batch());
    EXPECT_TRUE(store().apply(WriteBatch{}).ok());
    EXPECT_EQ(expect_ok(store().load_alerts(false)).size(), 2u);
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{2, 1, 0}));
}

TEST_P(StoreContractTest, NewStoreIsEmpty) {
    EXPECT_TRUE(expect_ok(store().load_alerts(false)).empty());
    EXPECT_TRUE(expect_ok(store().load_recipients(1)).empty());
    EXPECT_TRUE(expect_ok(store().load_audit(1, 0, 100)).empty());
    EXPECT_TRUE(expect_ok(store().load_devices()).empty());
    EXPECT_TRUE(expect_ok(store().load_cursors()).empty());
    EXPECT_TRUE(expect_ok(store().deliveries_after("v1", 0, 100)).empty());
    EXPECT_FALSE(expect_ok(store().find_alert("a-1")).has_value());
    EXPECT_FALSE(expect_ok(store().find_idempotency("k1")).has_value());
    EXPECT_FALSE(store().epoch().empty());
}

TEST_P(StoreContractTest, AlertsAreUpsertedByNumber) {
    apply_ok({.alerts = {make_alert(1, "a-1"), make_alert(2, "a-2")}});
    AlertRecord changed = make_alert(1, "a-1", false, 9'000);
    changed.snapshot = "closed";
    apply_ok({.alerts = {changed}});

    EXPECT_EQ(fields(expect_ok(store().load_alerts(false))), fields(std::vector{changed, make_alert(2, "a-2")}));
    EXPECT_EQ(fields(expect_ok(store().find_alert("a-1"))), fields(std::optional(changed)));
}

TEST_P(StoreContractTest, LaterWriteOfTheSameAlertInOneBatchWins) {
    AlertRecord second = make_alert(4, "a-4", false, 5'000);
    apply_ok({.alerts = {make_alert(4, "a-4"), second}});
    EXPECT_EQ(fields(expect_ok(store().load_alerts(false))), fields(std::vector{second}));
}

TEST_P(StoreContractTest, LoadAlertsOrdersByNumberAndFiltersActive) {
    apply_ok({.alerts = {make_alert(5, "a-5"), make_alert(1, "a-1"), make_alert(3, "a-3", false)}});
    apply_ok({.alerts = {make_alert(2, "a-2", false), make_alert(40, "a-40")}});

    std::vector<std::uint64_t> all;
    for (const AlertRecord& a : expect_ok(store().load_alerts(false))) all.push_back(a.number);
    EXPECT_EQ(all, (std::vector<std::uint64_t>{1, 2, 3, 5, 40}));

    std::vector<std::uint64_t> active;
    for (const AlertRecord& a : expect_ok(store().load_alerts(true))) active.push_back(a.number);
    EXPECT_EQ(active, (std::vector<std::uint64_t>{1, 5, 40}));
}

TEST_P(StoreContractTest, FindAlertHitsAndMisses) {
    apply_ok({.alerts = {make_alert(7, "a-7", false)}});
    EXPECT_EQ(fields(expect_ok(store().find_alert("a-7"))), fields(std::optional(make_alert(7, "a-7", false))));
    EXPECT_FALSE(expect_ok(store().find_alert("a-8")).has_value());
    EXPECT_FALSE(expect_ok(store().find_alert("")).has_value());
    EXPECT_FALSE(expect_ok(store().find_alert("a-")).has_value());  // a prefix is not a match
}

TEST_P(StoreContractTest, AlertIdUsedByAnotherNumberFailsTheWholeBatch) {
    apply_ok({.alerts = {make_alert(1, "a-1")}});
    const Status status =
        store().apply({.alerts = {make_alert(2, "a-2"), make_alert(3, "a-1")}, .devices = {make_device("d1")}});
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kConflict) << status.error().message;
    EXPECT_FALSE(status.error().message.empty());
    EXPECT_EQ(fields(expect_ok(store().load_alerts(false))), fields(std::vector{make_alert(1, "a-1")}));
    EXPECT_TRUE(expect_ok(store().load_devices()).empty());
}

TEST_P(StoreContractTest, RecipientsAreUpsertedByAlertAndVolunteerAndOrderedByVolunteer) {
    apply_ok({.recipients = {make_recipient(1, "v3"), make_recipient(1, "v1"), make_recipient(2, "v1")}});
    apply_ok({.recipients = {make_recipient(1, "v3", "accepted"), make_recipient(1, "v2")}});

    EXPECT_EQ(
        fields(expect_ok(store().load_recipients(1))),
        fields(std::vector{make_recipient(1, "v1"), make_recipient(1, "v2"), make_recipient(1, "v3", "accepted")}));
    EXPECT_EQ(fields(expect_ok(store().load_recipients(2))), fields(std::vector{make_recipient(2, "v1")}));
    EXPECT_TRUE(expect_ok(store().load_recipients(3)).empty());
}

TEST_P(StoreContractTest, AuditKeepsTheFirstEntryAtAnIndex) {
    apply_ok({.audit = {make_audit(1, 0), make_audit(1, 1)}});
    apply_ok({.audit = {make_audit(1, 1, "rewritten"), make_audit(1, 2)}});

    EXPECT_EQ(fields(expect_ok(store().load_audit(1, 0, 100))),
              fields(std::vector{make_audit(1, 0), make_audit(1, 1), make_audit(1, 2)}));
}

TEST_P(StoreContractTest, LoadAuditFromIndexWithLimit) {
    WriteBatch batch;
    for (std::uint64_t i : {4, 0, 3, 1, 2}) batch.audit.push_back(make_audit(9, i));
    batch.audit.push_back(make_audit(8, 0));
    apply_ok(batch);

    EXPECT_EQ(
        fields(expect_ok(store().load_audit(9, 0, 100))),
        fields(std::vector{make_audit(9, 0), make_audit(9, 1), make_audit(9, 2), make_audit(9, 3), make_audit(9, 4)}));
    EXPECT_EQ(fields(expect_ok(store().load_audit(9, 2, 100))),
              fields(std::vector{make_audit(9, 2), make_audit(9, 3), make_audit(9, 4)}));
    EXPECT_EQ(fields(expect_ok(store().load_audit(9, 1, 2))), fields(std::vector{make_audit(9, 1), make_audit(9, 2)}));
    EXPECT_TRUE(expect_ok(store().load_audit(9, 5, 100)).empty());
    EXPECT_EQ(expect_ok(store().load_audit(9, 0, std::numeric_limits<std::size_t>::max())).size(), 5u) << "no limit";
    EXPECT_TRUE(expect_ok(store().load_audit(9, 0, 0)).empty());
    EXPECT_EQ(fields(expect_ok(store().load_audit(8, 0, 100))), fields(std::vector{make_audit(8, 0)}));
}

TEST_P(StoreContractTest, UnknownVolunteerHasTheZeroCursor) {
    apply_ok(full_batch());
    EXPECT_EQ(fields(expect_ok(store().cursor("nobody"))), fields(VolunteerCursor{}));
    EXPECT_EQ(fields(expect_ok(store().cursor(""))), fields(VolunteerCursor{}));
    EXPECT_TRUE(expect_ok(store().deliveries_after("nobody", 0, 100)).empty());
}

TEST_P(StoreContractTest, DeliveriesRaiseLastSeq) {
    apply_ok({.deliveries = {make_delivery("v1", 1), make_delivery("v1", 2)}});
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{2, 0, 0}));
    apply_ok({.deliveries = {make_delivery("v1", 7), make_delivery("v2", 3)}});
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{7, 0, 0}));
    EXPECT_EQ(fields(expect_ok(store().cursor("v2"))), fields(VolunteerCursor{3, 0, 0}));
    // A lower seq filling a gap is stored but does not lower the counter.
    apply_ok({.deliveries = {make_delivery("v1", 5)}});
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{7, 0, 0}));
}

TEST_P(StoreContractTest, DeliveriesAfterOrdersBySeqFromAfterSeqWithLimit) {
    WriteBatch batch;
    for (std::uint64_t seq : {3, 1, 5, 2, 4}) batch.deliveries.push_back(make_delivery("v1", seq));
    batch.deliveries.push_back(make_delivery("v2", 2));
    batch.deliveries.push_back(make_delivery("v10", 1));  // shares a prefix with v1
    apply_ok(batch);

    auto seqs = [&](std::string_view volunteer, std::uint64_t after_seq, std::size_t limit) {
        std::vector<std::uint64_t> out;
        for (const DeliveryRecord& d : expect_ok(store().deliveries_after(volunteer, after_seq, limit))) {
            EXPECT_EQ(d.volunteer, volunteer);
            out.push_back(d.seq);
        }
        return out;
    };
    EXPECT_EQ(seqs("v1", 0, 100), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(seqs("v1", 2, 100), (std::vector<std::uint64_t>{3, 4, 5}));
    EXPECT_EQ(seqs("v1", 1, 2), (std::vector<std::uint64_t>{2, 3}));
    EXPECT_EQ(seqs("v1", 5, 100), (std::vector<std::uint64_t>{}));
    EXPECT_EQ(seqs("v1", 0, std::numeric_limits<std::size_t>::max()), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(seqs("v1", 0, 0), (std::vector<std::uint64_t>{}));
    EXPECT_EQ(seqs("v2", 0, 100), (std::vector<std::uint64_t>{2}));
    EXPECT_EQ(seqs("v10", 0, 100), (std::vector<std::uint64_t>{1}));

    EXPECT_EQ(fields(expect_ok(store().deliveries_after("v1", 3, 1))), fields(std::vector{make_delivery("v1", 4)}));
}

TEST_P(StoreContractTest, DuplicateDeliverySeqInOneBatchFailsTheWholeBatch) {
    apply_ok({.deliveries = {make_delivery("v1", 1)}});

    const Status status = store().apply({.deliveries = {make_delivery("v2", 1), make_delivery("v2", 1)}});
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kConflict) << status.error().message;
    EXPECT_TRUE(expect_ok(store().deliveries_after("v2", 0, 100)).empty());
    EXPECT_EQ(fields(expect_ok(store().cursor("v2"))), fields(VolunteerCursor{}));
    // The same seq for another volunteer is no duplicate.
    apply_ok({.deliveries = {make_delivery("v3", 1)}});
}

// Across batches the store trusts the ledger's seqs (checking would cost a read per recipient at commit); a seq stored
// again is never returned twice: the first stored push wins.
TEST_P(StoreContractTest, ASeqStoredAgainInALaterBatchIsReturnedOnce) {
    apply_ok({.deliveries = {make_delivery("v1", 1), make_delivery("v1", 2)}});
    DeliveryRecord again = make_delivery("v1", 2);
    again.payload = "a second push with seq 2";
    apply_ok({.deliveries = {again, make_delivery("v1", 3)}});
    EXPECT_EQ(fields(expect_ok(store().deliveries_after("v1", 0, 100))),
              fields(std::vector{make_delivery("v1", 1), make_delivery("v1", 2), make_delivery("v1", 3)}));
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{3, 0, 0}));
}

// Pushes hand their shared body over once (one buffer); reads give each push whole, its envelope then the body.
TEST_P(StoreContractTest, SharedBodiesAreJoinedToEachPushOnRead) {
    auto body_a = std::make_shared<const std::string>("\0shared body A\0"s);
    auto body_b = std::make_shared<const std::string>("shared body B");
    WriteBatch batch;
    for (const char* v : {"v1", "v2", "v3"}) {
        DeliveryRecord d = make_delivery(v, 1);
        d.shared = body_a;
        batch.deliveries.push_back(d);
        DeliveryRecord u = make_delivery(v, 2);
        u.shared = body_b;
        batch.deliveries.push_back(u);
    }
    batch.deliveries.push_back(make_delivery("v1", 3));  // no shared body: the payload is the whole push
    apply_ok(batch);
    for (int pass = 0; pass < 2; ++pass) {
        SCOPED_TRACE(pass == 0 ? "before reopening" : "after reopening");
        for (const char* v : {"v1", "v2", "v3"}) {
            const std::vector<DeliveryRecord> read = expect_ok(store().deliveries_after(v, 0, 100));
            ASSERT_EQ(read.size(), std::string_view(v) == "v1" ? 3u : 2u) << v;
            EXPECT_EQ(read[0].payload, make_delivery(v, 1).payload + *body_a);
            EXPECT_EQ(read[1].payload, make_delivery(v, 2).payload + *body_b);
            EXPECT_EQ(read[0].alert_id, make_delivery(v, 1).alert_id);
            EXPECT_EQ(read[1].kind, make_delivery(v, 2).kind);
            for (const DeliveryRecord& d : read) EXPECT_EQ(d.shared, nullptr);
        }
        EXPECT_EQ(fields(expect_ok(store().deliveries_after("v1", 2, 100))),
                  fields(std::vector{make_delivery("v1", 3)}));
        if (pass == 0) {
            ASSERT_NO_FATAL_FAILURE(reopen());
        }
    }
}

// One volunteer's pushes spread over many batches (and groups) are found in seq order, from any point, with a limit.
TEST_P(StoreContractTest, DeliveriesAfterSpansBatches) {
    std::uint64_t seq = 0;
    for (int b = 0; b < 6; ++b) {
        WriteBatch batch;
        for (int i = 0; i <= b % 3; ++i) batch.deliveries.push_back(make_delivery("v1", ++seq, 1'000 + b));
        batch.deliveries.push_back(make_delivery("other", static_cast<std::uint64_t>(b + 1), 1'000 + b));
        apply_ok(batch);
    }
    ASSERT_EQ(seq, 12u);
    for (std::uint64_t after = 0; after <= seq; ++after) {
        const std::vector<DeliveryRecord> read = expect_ok(store().deliveries_after("v1", after, 100));
        ASSERT_EQ(read.size(), seq - after) << "after " << after;
        for (std::size_t i = 0; i < read.size(); ++i) EXPECT_EQ(read[i].seq, after + 1 + i);
    }
    std::vector<std::uint64_t> limited;
    for (const DeliveryRecord& d : expect_ok(store().deliveries_after("v1", 3, 4))) limited.push_back(d.seq);
    EXPECT_EQ(limited, (std::vector<std::uint64_t>{4, 5, 6, 7}));
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{12, 0, 0}));
    EXPECT_EQ(fields(expect_ok(store().cursor("other"))), fields(VolunteerCursor{6, 0, 0}));
}

// A city-wide alert's batch in one commit, then a restart: every record reads back.
TEST_P(StoreContractTest, LargeBatchSurvivesReopening) {
    const WriteBatch batch = city_wide_batch(15'000);
    apply_ok(batch);
    ASSERT_NO_FATAL_FAILURE(reopen());
    expect_city_wide_batch(store(), batch);
}

TEST_P(StoreContractTest, AcksRaiseAckedSeqAndNeverLowerIt) {
    apply_ok({.deliveries = {make_delivery("v1", 1), make_delivery("v1", 2), make_delivery("v1", 3),
                             make_delivery("v1", 4), make_delivery("v1", 5)}});
    apply_ok({.acks = {{"v1", 3}}});
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{5, 3, 0}));
    apply_ok({.acks = {{"v1", 2}}});  // a late, older ack
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{5, 3, 0}));
    apply_ok({.acks = {{"v1", 4}, {"v1", 5}, {"v1", 1}}});
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{5, 5, 0}));
}

TEST_P(StoreContractTest, LoadCursorsOrdersByVolunteer) {
    apply_ok(
        {.deliveries = {make_delivery("v3", 1), make_delivery("v1", 4), make_delivery("v2", 2)}, .acks = {{"v1", 4}}});
    EXPECT_EQ(fields(expect_ok(store().load_cursors())), fields(std::vector<std::pair<std::string, VolunteerCursor>>{
                                                             {"v1", {4, 4, 0}}, {"v2", {2, 0, 0}}, {"v3", {1, 0, 0}}}));
}

TEST_P(StoreContractTest, DevicesAreUpsertedById) {
    apply_ok({.devices = {make_device("d2"), make_device("d1")}});
    apply_ok({.devices = {make_device("d2", "moved"), make_device("d3")}});
    EXPECT_EQ(fields(sorted_by_id(expect_ok(store().load_devices()))),
              fields(std::vector{make_device("d1"), make_device("d2", "moved"), make_device("d3")}));
}

// The hub stores a device registered over HTTP as its whole protobuf description: binary bytes, zero bytes and
// invalid UTF-8 included, several KiB with a long policy. They must come back byte for byte, so that a restart
// returns the device as registered.
TEST_P(StoreContractTest, ADeviceSnapshotComesBackByteForByte) {
    std::string bytes = "\x0a\x0a"s + "bracelet-1" + "\x00\xff\xfe\x80"s;
    for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>(i % 256));
    apply_ok({.devices = {make_device("bracelet-1", bytes)}});
    auto loaded = expect_ok(store().load_devices());
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(loaded[0].snapshot, bytes);
}

TEST_P(StoreContractTest, IdempotencyKeepsTheFirstRecordForAKey) {
    apply_ok({.idempotency = {make_key("k1", "a-1", 1'000)}});
    apply_ok({.idempotency = {make_key("k1", "a-other", 2'000), make_key("k2", "a-2")}});

    EXPECT_EQ(fields(expect_ok(store().find_idempotency("k1"))), fields(std::optional(make_key("k1", "a-1", 1'000))));
    EXPECT_EQ(fields(expect_ok(store().find_idempotency("k2"))), fields(std::optional(make_key("k2", "a-2"))));
    EXPECT_FALSE(expect_ok(store().find_idempotency("k3")).has_value());
    EXPECT_FALSE(expect_ok(store().find_idempotency("k")).has_value());
}

TEST_P(StoreContractTest, CapMessagesKeepTheFirstRecordOfASenderAndIdentifier) {
    const CapMessageRecord first{"cma.gov.cn", "w-1", "a-1", 0, core::time_from_ms(1'000)};
    // The same identifier from another sender is another message; text that would collide if joined stays apart.
    const CapMessageRecord other_sender{"cma.gov.cn,w", "-1", "a-2", 0, core::time_from_ms(2'000)};
    const CapMessageRecord update{"cma.gov.cn", "w-2", "a-1", 1, core::time_from_ms(3'000)};
    apply_ok({.cap_messages = {first}});
    apply_ok({.cap_messages = {CapMessageRecord{"cma.gov.cn", "w-1", "a-9", 2, core::time_from_ms(9'000)}, other_sender,
                               update}});

    auto loaded = expect_ok(store().load_cap_messages());
    std::sort(loaded.begin(), loaded.end(),
              [](const auto& a, const auto& b) { return core::to_ms(a.sent) < core::to_ms(b.sent); });
    EXPECT_EQ(fields(loaded), fields(std::vector{first, other_sender, update}));
}

// Each variant fails late, after writes of every kind; none of them may remain.
OutboxRecord make_outbox(std::string peer, std::string id, std::int64_t created_ms, std::string payload = "env") {
    return OutboxRecord{.peer = std::move(peer),
                        .message_id = std::move(id),
                        .payload = std::move(payload),
                        .created_at = time_from_ms(created_ms)};
}

auto outbox_fields(const std::vector<OutboxRecord>& records) {
    std::vector<std::tuple<std::string, std::string, std::string, std::int64_t>> out;
    for (const auto& r : records) out.emplace_back(r.peer, r.message_id, r.payload, core::to_ms(r.created_at));
    return out;
}

TEST_P(StoreContractTest, OutboxKeepsMessagesUntilRemovedInWriteOrder) {
    apply_ok({.outbox = {make_outbox("jinan", "m2", 2'000), make_outbox("taian", "m1", 1'000, kAwkwardBytes),
                         make_outbox("jinan", "m1", 2'000)}});
    // A repeated message id keeps the first payload and its place, as a retried insert must.
    apply_ok({.outbox = {make_outbox("jinan", "m1", 2'000, "changed")}});
    EXPECT_EQ(outbox_fields(expect_ok(store().load_outbox())),
              outbox_fields({make_outbox("jinan", "m2", 2'000), make_outbox("taian", "m1", 1'000, kAwkwardBytes),
                             make_outbox("jinan", "m1", 2'000)}));
    // Removals apply after the batch's inserts; removing an absent message is harmless.
    apply_ok({.outbox = {make_outbox("taian", "m3", 3'000)},
              .outbox_done = {{"jinan", "m1"}, {"taian", "m3"}, {"nobody", "m9"}}});
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(outbox_fields(expect_ok(store().load_outbox())),
              outbox_fields({make_outbox("jinan", "m2", 2'000), make_outbox("taian", "m1", 1'000, kAwkwardBytes)}));
}

// Many messages in one millisecond, over many batches and peers, with ids whose text order is not the write order
// ("m10" before "m9", and ids drawn at random): after a reopen they load exactly in the order written, also after
// removals from the middle and more writes.
TEST_P(StoreContractTest, OutboxReloadsInWriteOrderWithinOneMillisecond) {
    std::mt19937 random(20261202);
    const std::int64_t ms = 5'000;
    std::vector<OutboxRecord> written;
    const std::vector<std::string> peers = {"taian", "jinan", "zibo"};
    for (int batch = 0; batch < 20; ++batch) {
        WriteBatch b;
        for (int i = 0; i < 15; ++i) {
            const int n = batch * 15 + i;
            std::string id = (n % 3 == 0) ? "m" + std::to_string(n) : "r" + std::to_string(random() % 100'000);
            id += "." + std::to_string(n);  // unique
            b.outbox.push_back(make_outbox(peers[random() % peers.size()], id, ms, "env" + std::to_string(n)));
        }
        written.insert(written.end(), b.outbox.begin(), b.outbox.end());
        apply_ok(b);
    }
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(outbox_fields(expect_ok(store().load_outbox())), outbox_fields(written));

    // Acknowledged from the middle and the end, then more written in the same millisecond: they go after the rest.
    WriteBatch more;
    for (std::size_t i : {std::size_t{299}, std::size_t{150}, std::size_t{7}}) {
        more.outbox_done.emplace_back(written[i].peer, written[i].message_id);
        written.erase(written.begin() + static_cast<std::ptrdiff_t>(i));
    }
    more.outbox = {make_outbox("zibo", "a", ms), make_outbox("jinan", "0", ms)};
    written.insert(written.end(), more.outbox.begin(), more.outbox.end());
    apply_ok(more);
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(outbox_fields(expect_ok(store().load_outbox())), outbox_fields(written));
}

TEST_P(StoreContractTest, FailedBatchLeavesNothing) {
    apply_ok({.alerts = {make_alert(7, "taken")}, .deliveries = {make_delivery("v9", 1)}});

    WriteBatch duplicate_seq_in_batch = full_batch();
    duplicate_seq_in_batch.deliveries.push_back(make_delivery("v1", 1));
    WriteBatch taken_alert_id = full_batch();
    taken_alert_id.alerts.push_back(make_alert(8, "taken"));

    for (const WriteBatch* batch : {&duplicate_seq_in_batch, &taken_alert_id}) {
        ASSERT_FALSE(store().apply(*batch).ok());

        EXPECT_EQ(fields(expect_ok(store().load_alerts(false))), fields(std::vector{make_alert(7, "taken")}));
        EXPECT_FALSE(expect_ok(store().find_alert("a-1")).has_value());
        EXPECT_TRUE(expect_ok(store().load_recipients(1)).empty());
        EXPECT_TRUE(expect_ok(store().load_audit(1, 0, 100)).empty());
        EXPECT_TRUE(expect_ok(store().deliveries_after("v1", 0, 100)).empty());
        EXPECT_TRUE(expect_ok(store().deliveries_after("v2", 0, 100)).empty());
        EXPECT_EQ(fields(expect_ok(store().load_cursors())),
                  fields(std::vector<std::pair<std::string, VolunteerCursor>>{{"v9", {1, 0, 0}}}));
        EXPECT_TRUE(expect_ok(store().load_devices()).empty());
        EXPECT_FALSE(expect_ok(store().find_idempotency("k1")).has_value());
        EXPECT_TRUE(expect_ok(store().load_cap_messages()).empty());
    }

    // The store still takes writes after failed ones.
    apply_ok(full_batch());
    EXPECT_EQ(expect_ok(store().load_alerts(false)).size(), 3u);
}

TEST_P(StoreContractTest, TrimRemovesOldDeliveriesAndKeysAndRaisesTrimmedSeq) {
    apply_ok({.alerts = {make_alert(1, "a-1")},
              .audit = {make_audit(1, 0)},
              .deliveries = {make_delivery("v1", 1, 100), make_delivery("v1", 2, 200), make_delivery("v1", 3, 300),
                             make_delivery("v2", 1, 100), make_delivery("v3", 1, 900)},
              .acks = {{"v1", 2}},
              .devices = {make_device("d1")},
              .idempotency = {make_key("old", "a-1", 100), make_key("edge", "a-1", 200), make_key("new", "a-1", 300)}});

    // Strictly before: the delivery at 300 and the key at 200 stay.
    EXPECT_EQ(expect_ok(store().trim(time_from_ms(300), time_from_ms(200))), 4u);  // 3 deliveries + 1 key

    EXPECT_EQ(fields(expect_ok(store().deliveries_after("v1", 0, 100))),
              fields(std::vector{make_delivery("v1", 3, 300)}));
    EXPECT_TRUE(expect_ok(store().deliveries_after("v2", 0, 100)).empty());
    EXPECT_EQ(fields(expect_ok(store().deliveries_after("v3", 0, 100))),
              fields(std::vector{make_delivery("v3", 1, 900)}));
    // Cursors stay, with what was trimmed.
    EXPECT_EQ(fields(expect_ok(store().load_cursors())), fields(std::vector<std::pair<std::string, VolunteerCursor>>{
                                                             {"v1", {3, 2, 2}}, {"v2", {1, 0, 1}}, {"v3", {1, 0, 0}}}));
    EXPECT_FALSE(expect_ok(store().find_idempotency("old")).has_value());
    EXPECT_TRUE(expect_ok(store().find_idempotency("edge")).has_value());
    EXPECT_TRUE(expect_ok(store().find_idempotency("new")).has_value());
    // Alerts, audit and devices are not housekeeping's business.
    EXPECT_EQ(expect_ok(store().load_alerts(false)).size(), 1u);
    EXPECT_EQ(expect_ok(store().load_audit(1, 0, 100)).size(), 1u);
    EXPECT_EQ(expect_ok(store().load_devices()).size(), 1u);

    // Nothing left to trim: nothing removed, nothing changed.
    EXPECT_EQ(expect_ok(store().trim(time_from_ms(300), time_from_ms(200))), 0u);
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{3, 2, 2}));
}

TEST_P(StoreContractTest, TrimNeverLowersTrimmedSeq) {
    apply_ok({.deliveries = {make_delivery("v1", 5, 100)}});
    EXPECT_EQ(expect_ok(store().trim(time_from_ms(200), time_from_ms(0))), 1u);
    // A lower seq stored later with an old time: trimming it leaves trimmed_seq at 5.
    apply_ok({.deliveries = {make_delivery("v1", 3, 100), make_delivery("v1", 6, 500)}});
    EXPECT_EQ(expect_ok(store().trim(time_from_ms(200), time_from_ms(0))), 1u);
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{6, 0, 5}));
    EXPECT_EQ(fields(expect_ok(store().deliveries_after("v1", 0, 100))),
              fields(std::vector{make_delivery("v1", 6, 500)}));
}

TEST_P(StoreContractTest, EverythingSurvivesReopening) {
    const WriteBatch batch = full_batch();
    apply_ok(batch);
    apply_ok({.acks = {{"v2", 1}}});
    ASSERT_EQ(expect_ok(store().trim(time_from_ms(1'000), time_from_ms(0))), 0u);
    const std::string epoch = store().epoch();

    ASSERT_NO_FATAL_FAILURE(reopen());

    EXPECT_EQ(store().epoch(), epoch);
    EXPECT_EQ(fields(expect_ok(store().load_alerts(false))), fields(batch.alerts));
    EXPECT_EQ(fields(expect_ok(store().load_alerts(true))), fields(std::vector{batch.alerts[0]}));
    EXPECT_EQ(fields(expect_ok(store().find_alert("a-2"))), fields(std::optional(batch.alerts[1])));
    EXPECT_EQ(fields(expect_ok(store().load_recipients(1))), fields(batch.recipients));
    EXPECT_EQ(fields(expect_ok(store().load_audit(1, 0, 100))), fields(batch.audit));
    EXPECT_EQ(fields(expect_ok(store().deliveries_after("v1", 0, 100))),
              fields(std::vector{batch.deliveries[0], batch.deliveries[1]}));
    EXPECT_EQ(fields(expect_ok(store().deliveries_after("v2", 0, 100))), fields(std::vector{batch.deliveries[2]}));
    EXPECT_EQ(fields(expect_ok(store().load_cursors())),
              fields(std::vector<std::pair<std::string, VolunteerCursor>>{{"v1", {2, 1, 0}}, {"v2", {1, 1, 0}}}));
    EXPECT_EQ(fields(expect_ok(store().load_devices())), fields(batch.devices));
    EXPECT_EQ(fields(expect_ok(store().find_idempotency("k1"))), fields(std::optional(batch.idempotency[0])));

    // And it keeps working: the counters continue where they were.
    apply_ok({.deliveries = {make_delivery("v1", 3)}});
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{3, 1, 0}));
}

TEST_P(StoreContractTest, TrimSurvivesReopening) {
    apply_ok({.deliveries = {make_delivery("v1", 1, 100), make_delivery("v1", 2, 500)},
              .idempotency = {make_key("old", "a-1", 100)}});
    ASSERT_EQ(expect_ok(store().trim(time_from_ms(200), time_from_ms(200))), 2u);
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(fields(expect_ok(store().cursor("v1"))), fields(VolunteerCursor{2, 0, 1}));
    EXPECT_EQ(fields(expect_ok(store().deliveries_after("v1", 0, 100))),
              fields(std::vector{make_delivery("v1", 2, 500)}));
    EXPECT_FALSE(expect_ok(store().find_idempotency("old")).has_value());
}

TEST_P(StoreContractTest, EpochIsStableAcrossReopeningAndDiffersBetweenDirectories) {
    const std::string epoch = store().epoch();
    ASSERT_FALSE(epoch.empty());
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(store().epoch(), epoch);

    TempDir other_dir;
    std::unique_ptr<Store> other = GetParam().open(other_dir.path());
    ASSERT_NE(other, nullptr);
    EXPECT_FALSE(other->epoch().empty());
    EXPECT_NE(other->epoch(), epoch);
    // Two stores in two directories are independent.
    apply_ok({.alerts = {make_alert(1, "a-1")}});
    EXPECT_TRUE(expect_ok(other->load_alerts(false)).empty());
}

TEST_P(StoreContractTest, BytesWithNulsRoundTrip) {
    WriteBatch batch;
    batch.alerts = {make_alert(1, "a-1")};
    batch.alerts[0].snapshot = kAwkwardBytes;
    batch.recipients = {make_recipient(1, "v1", kAwkwardBytes)};
    batch.audit = {make_audit(1, 0, kAwkwardBytes)};
    batch.deliveries = {make_delivery("v1", 1)};
    batch.deliveries[0].payload = kAwkwardBytes;
    batch.deliveries[0].kind = 255;
    batch.devices = {make_device("d1", kAwkwardBytes)};
    batch.idempotency = {make_key("k1", "a-1")};
    batch.idempotency[0].request_digest = kAwkwardBytes;
    // Empty bytes are a value too, not a missing one.
    batch.alerts.push_back(make_alert(2, "a-2"));
    batch.alerts[1].snapshot.clear();
    batch.devices.push_back(DeviceRecord{.id = "d2", .snapshot = {}});
    apply_ok(batch);

    for (int pass = 0; pass < 2; ++pass) {
        SCOPED_TRACE(pass == 0 ? "before reopening" : "after reopening");
        EXPECT_EQ(fields(expect_ok(store().load_alerts(false))), fields(batch.alerts));
        EXPECT_EQ(fields(expect_ok(store().load_recipients(1))), fields(batch.recipients));
        EXPECT_EQ(fields(expect_ok(store().load_audit(1, 0, 10))), fields(batch.audit));
        EXPECT_EQ(fields(expect_ok(store().deliveries_after("v1", 0, 10))), fields(batch.deliveries));
        EXPECT_EQ(fields(sorted_by_id(expect_ok(store().load_devices()))), fields(batch.devices));
        EXPECT_EQ(fields(expect_ok(store().find_idempotency("k1"))), fields(std::optional(batch.idempotency[0])));
        if (pass == 0) {
            ASSERT_NO_FATAL_FAILURE(reopen());
        }
    }
}

TEST_P(StoreContractTest, MegabytePayloadsRoundTrip) {
    const std::string big = megabyte_of_bytes();
    WriteBatch batch;
    batch.alerts = {make_alert(1, "a-1")};
    batch.alerts[0].snapshot = big;
    batch.deliveries = {make_delivery("v1", 1)};
    batch.deliveries[0].payload = big;
    apply_ok(batch);
    ASSERT_NO_FATAL_FAILURE(reopen());

    // Compared without fields(): a mismatch would print two megabytes.
    const std::vector<AlertRecord> alerts = expect_ok(store().load_alerts(false));
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].snapshot.size(), big.size());
    EXPECT_TRUE(alerts[0].snapshot == big);
    const std::vector<DeliveryRecord> deliveries = expect_ok(store().deliveries_after("v1", 0, 10));
    ASSERT_EQ(deliveries.size(), 1u);
    EXPECT_EQ(deliveries[0].payload.size(), big.size());
    EXPECT_TRUE(deliveries[0].payload == big);
}

}  // namespace
}  // namespace yihu::store
