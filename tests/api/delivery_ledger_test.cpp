#include "api/delivery/delivery_ledger.h"

#include <gtest/gtest.h>

namespace yihu::api {
namespace {

using namespace std::chrono_literals;

const core::Time kT0 = core::time_from_ms(1'795'312'800'000);
constexpr core::VolunteerId kAnna = 1;
constexpr core::VolunteerId kBo = 2;

DeliveryLedger::Options options() {
    return DeliveryLedger::Options{.ack_timeout = 10s, .max_retries = 2, .replay_limit = 5};
}

LedgerPush push(std::uint64_t seq, core::AlertNumber alert = 7, v1::DeliveryKind kind = v1::DELIVERY_KIND_ALERT) {
    return LedgerPush{
        .seq = seq,
        .alert = alert,
        .kind = kind,
        .frame = std::make_shared<const PushFrame>(std::make_shared<const std::string>("push-" + std::to_string(seq)))};
}

store::DeliveryRecord record(std::uint64_t seq, std::string alert_id, v1::DeliveryKind kind) {
    return store::DeliveryRecord{.volunteer = "anna",
                                 .seq = seq,
                                 .alert_id = std::move(alert_id),
                                 .kind = static_cast<std::uint8_t>(kind),
                                 .payload = "stored-" + std::to_string(seq)};
}

std::vector<std::uint64_t> seqs(const std::vector<LedgerWrite>& writes) {
    std::vector<std::uint64_t> out;
    for (const auto& w : writes) out.push_back(w.push->seq);
    return out;
}

core::AlertNumber no_alert(const std::string&) {
    return 0;
}

TEST(DeliveryLedger, SeqsArePerVolunteerStrictlyIncreasingAndContinueFromTheStoredCursor) {
    DeliveryLedger ledger(options());
    EXPECT_EQ(ledger.next_seq(kAnna), 1u);
    EXPECT_EQ(ledger.next_seq(kAnna), 2u);
    EXPECT_EQ(ledger.next_seq(kBo), 1u);
    ledger.seed_cursor(kBo, store::VolunteerCursor{.last_seq = 40, .acked_seq = 38, .trimmed_seq = 10});
    EXPECT_EQ(ledger.next_seq(kBo), 41u);
    EXPECT_EQ(ledger.cursor(kBo).acked_seq, 38u);
    EXPECT_EQ(ledger.cursor(kAnna).last_seq, 2u);
    EXPECT_EQ(ledger.cursor(99).last_seq, 0u);
}

TEST(DeliveryLedger, StagedPushesGoOutOnlyOnReleaseAndOnlyToOnlineVolunteers) {
    DeliveryLedger ledger(options());
    ledger.connect(kAnna, 11);
    ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    ledger.stage(kBo, push(ledger.next_seq(kBo)));  // offline: waits in the store's history
    ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    EXPECT_EQ(ledger.unacked(kAnna), 0u);

    const auto writes = ledger.release(kT0);
    ASSERT_EQ(writes.size(), 2u);
    EXPECT_EQ(seqs(writes), (std::vector<std::uint64_t>{1, 2}));
    for (const auto& w : writes) {
        EXPECT_EQ(w.volunteer, kAnna);
        EXPECT_EQ(w.session, 11u);
        EXPECT_TRUE(w.first);
        EXPECT_EQ(w.push->attempts, 1);
        EXPECT_EQ(w.push->sent_at, kT0);
    }
    EXPECT_EQ(ledger.unacked(kAnna), 2u);
    EXPECT_EQ(ledger.unacked(kBo), 0u);
    EXPECT_FALSE(ledger.has_staged());
    EXPECT_TRUE(ledger.release(kT0).empty());
}

TEST(DeliveryLedger, AFailedBatchSendsNothingOfIt) {
    DeliveryLedger ledger(options());
    ledger.connect(kAnna, 11);
    ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    ledger.drop_staged();
    EXPECT_TRUE(ledger.release(kT0).empty());
    EXPECT_EQ(ledger.unacked(kAnna), 0u);
}

TEST(DeliveryLedger, AcksAreCumulativeAndNeverLowerTheCursor) {
    DeliveryLedger ledger(options());
    ledger.connect(kAnna, 11);
    for (int i = 0; i < 4; ++i) ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    ledger.release(kT0);

    auto r = ledger.ack(kAnna, 3);
    EXPECT_FALSE(r.beyond_last);
    EXPECT_TRUE(r.advanced);
    ASSERT_EQ(r.acked.size(), 3u);
    EXPECT_EQ(r.acked[0].seq, 1u);
    EXPECT_EQ(r.acked[2].seq, 3u);
    EXPECT_EQ(ledger.unacked(kAnna), 1u);
    EXPECT_EQ(ledger.cursor(kAnna).acked_seq, 3u);

    r = ledger.ack(kAnna, 2);  // late duplicate
    EXPECT_FALSE(r.advanced);
    EXPECT_TRUE(r.acked.empty());
    EXPECT_EQ(ledger.cursor(kAnna).acked_seq, 3u);

    r = ledger.ack(kAnna, 5);  // never given out
    EXPECT_TRUE(r.beyond_last);
    EXPECT_EQ(ledger.unacked(kAnna), 1u);
    EXPECT_EQ(ledger.cursor(kAnna).acked_seq, 3u);

    r = ledger.ack(kAnna, 4);
    EXPECT_TRUE(r.advanced);
    ASSERT_EQ(r.acked.size(), 1u);
    EXPECT_EQ(ledger.unacked(kAnna), 0u);
    EXPECT_EQ(ledger.volunteers_with_unacked(), 0u);
}

TEST(DeliveryLedger, RetriesReuseTheSameBytesThenGiveUpAfterMaxRetries) {
    DeliveryLedger ledger(options());  // ack_timeout 10 s, max_retries 2
    ledger.connect(kAnna, 11);
    ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    const auto first = ledger.release(kT0);
    ASSERT_EQ(first.size(), 1u);
    const std::shared_ptr<const PushFrame> bytes = first[0].push->frame;

    EXPECT_TRUE(ledger.due(kT0 + 9s).writes.empty());  // not yet timed out

    auto d = ledger.due(kT0 + 10s);
    ASSERT_EQ(d.writes.size(), 1u);
    EXPECT_TRUE(d.give_up.empty());
    EXPECT_FALSE(d.writes[0].first);
    EXPECT_EQ(d.writes[0].push->seq, 1u);
    EXPECT_EQ(d.writes[0].push->attempts, 2);
    EXPECT_EQ(d.writes[0].push->frame, bytes);  // the same frame, not a re-encoding

    EXPECT_TRUE(ledger.due(kT0 + 15s).writes.empty());  // the timeout runs from the last write
    d = ledger.due(kT0 + 20s);
    ASSERT_EQ(d.writes.size(), 1u);
    EXPECT_EQ(d.writes[0].push->attempts, 3);

    d = ledger.due(kT0 + 30s);  // 1 write + 2 retries unanswered
    EXPECT_TRUE(d.writes.empty());
    ASSERT_EQ(d.give_up.size(), 1u);
    EXPECT_EQ(d.give_up[0], kAnna);
    EXPECT_EQ(ledger.unacked(kAnna), 0u);
    EXPECT_TRUE(ledger.due(kT0 + 60s).give_up.empty());
}

TEST(DeliveryLedger, AnAckStopsTheRetries) {
    DeliveryLedger ledger(options());
    ledger.connect(kAnna, 11);
    ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    ledger.release(kT0);
    ledger.ack(kAnna, 1);
    const auto d = ledger.due(kT0 + 10s);
    EXPECT_EQ(seqs(d.writes), (std::vector<std::uint64_t>{2}));
}

TEST(DeliveryLedger, AReplacedSessionLosesItsPushesAndItsCloseChangesNothing) {
    DeliveryLedger ledger(options());
    EXPECT_FALSE(ledger.connect(kAnna, 11).has_value());
    ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    ledger.release(kT0);
    ASSERT_EQ(ledger.unacked(kAnna), 1u);

    const auto replaced = ledger.connect(kAnna, 12);
    ASSERT_TRUE(replaced.has_value());
    EXPECT_EQ(*replaced, 11u);
    EXPECT_EQ(ledger.unacked(kAnna), 0u);  // the new session resumes from its Hello
    EXPECT_TRUE(ledger.due(kT0 + 1h).writes.empty());

    EXPECT_FALSE(ledger.disconnect(kAnna, 11));  // the old socket's late close
    ASSERT_TRUE(ledger.session(kAnna).has_value());
    EXPECT_EQ(*ledger.session(kAnna), 12u);

    ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    const auto writes = ledger.release(kT0);
    ASSERT_EQ(writes.size(), 1u);
    EXPECT_EQ(writes[0].session, 12u);
    EXPECT_EQ(writes[0].push->seq, 2u);

    EXPECT_TRUE(ledger.disconnect(kAnna, 12));
    EXPECT_FALSE(ledger.session(kAnna).has_value());
    EXPECT_EQ(ledger.unacked(kAnna), 0u);
    ledger.stage(kAnna, push(ledger.next_seq(kAnna)));
    EXPECT_TRUE(ledger.release(kT0).empty());
}

TEST(DeliveryLedger, CanReplayOnlyFromInsideTheStoredHistoryOfTheSameEpoch) {
    DeliveryLedger ledger(options());
    ledger.seed_cursor(kAnna, store::VolunteerCursor{.last_seq = 20, .acked_seq = 15, .trimmed_seq = 10});
    EXPECT_TRUE(ledger.can_replay(kAnna, 15, true));
    EXPECT_TRUE(ledger.can_replay(kAnna, 10, true));
    EXPECT_TRUE(ledger.can_replay(kAnna, 20, true));    // nothing missed
    EXPECT_FALSE(ledger.can_replay(kAnna, 15, false));  // another epoch
    EXPECT_FALSE(ledger.can_replay(kAnna, 0, true));    // a fresh phone
    EXPECT_FALSE(ledger.can_replay(kAnna, 21, true));   // ahead of the stream
    EXPECT_FALSE(ledger.can_replay(kAnna, 9, true));    // trimmed
}

TEST(DeliveryLedger, ReplaySkipsSupersededUpdatesAndStandDownsAndKeepsSeqs) {
    DeliveryLedger ledger(options());
    ledger.seed_cursor(kAnna, store::VolunteerCursor{.last_seq = 15});
    ledger.connect(kAnna, 11);
    std::vector<store::DeliveryRecord> history{
        record(11, "dg-1", v1::DELIVERY_KIND_ALERT),       // kept: alerts always
        record(12, "dg-1", v1::DELIVERY_KIND_UPDATE),      // superseded by 14
        record(13, "dg-2", v1::DELIVERY_KIND_STAND_DOWN),  // the latest about dg-2: kept
        record(14, "dg-1", v1::DELIVERY_KIND_STAND_DOWN),  // superseded by 15
        record(15, "dg-1", v1::DELIVERY_KIND_CLOSED),
    };
    const auto staged = ledger.replay(kAnna, 10, history, [](const std::string& id) {
        return id == "dg-1" ? core::AlertNumber{1} : core::AlertNumber{0};
    });
    ASSERT_TRUE(staged.has_value());
    EXPECT_EQ(*staged, 3u);
    const auto writes = ledger.release(kT0);
    EXPECT_EQ(seqs(writes), (std::vector<std::uint64_t>{11, 13, 15}));
    ASSERT_EQ(writes.size(), 3u);
    EXPECT_EQ(writes[0].push->frame->binary(), "stored-11");  // the stored bytes, as they were
    EXPECT_EQ(writes[0].push->alert, 1u);
    EXPECT_EQ(writes[1].push->alert, 0u);
    EXPECT_EQ(writes[2].push->kind, v1::DELIVERY_KIND_CLOSED);
    EXPECT_EQ(ledger.next_seq(kAnna), 16u);  // a replay takes no new seq
}

TEST(DeliveryLedger, AClosedNoticeIsReplayedEvenAfterAnOlderOneForAnotherAlert) {
    DeliveryLedger ledger(options());
    ledger.seed_cursor(kAnna, store::VolunteerCursor{.last_seq = 3});
    ledger.connect(kAnna, 11);
    std::vector<store::DeliveryRecord> history{record(2, "dg-1", v1::DELIVERY_KIND_CLOSED),
                                               record(3, "dg-1", v1::DELIVERY_KIND_ALERT)};
    ASSERT_TRUE(ledger.replay(kAnna, 1, history, no_alert).has_value());
    EXPECT_EQ(seqs(ledger.release(kT0)), (std::vector<std::uint64_t>{2, 3}));
}

TEST(DeliveryLedger, AHistoryWithAGapOrTooLongCannotAnswer) {
    DeliveryLedger ledger(options());  // replay_limit 5
    ledger.seed_cursor(kAnna, store::VolunteerCursor{.last_seq = 14});
    ledger.connect(kAnna, 11);

    // Trimmed since the cursor was read: the history starts late.
    std::vector<store::DeliveryRecord> late{record(13, "dg-1", v1::DELIVERY_KIND_ALERT),
                                            record(14, "dg-1", v1::DELIVERY_KIND_UPDATE)};
    EXPECT_FALSE(ledger.replay(kAnna, 10, late, no_alert).has_value());

    // A hole in the middle.
    std::vector<store::DeliveryRecord> holed{
        record(11, "dg-1", v1::DELIVERY_KIND_ALERT), record(12, "dg-1", v1::DELIVERY_KIND_UPDATE),
        record(14, "dg-1", v1::DELIVERY_KIND_UPDATE), record(14, "dg-1", v1::DELIVERY_KIND_UPDATE)};
    EXPECT_FALSE(ledger.replay(kAnna, 10, holed, no_alert).has_value());

    // More than replay_limit: the phone gets the current state instead.
    ledger.seed_cursor(kAnna, store::VolunteerCursor{.last_seq = 16});
    std::vector<store::DeliveryRecord> many;
    for (std::uint64_t s = 11; s <= 16; ++s) many.push_back(record(s, "dg-1", v1::DELIVERY_KIND_ALERT));
    EXPECT_FALSE(ledger.replay(kAnna, 10, many, no_alert).has_value());
    EXPECT_FALSE(ledger.has_staged());

    many.pop_back();
    ledger.seed_cursor(kAnna, store::VolunteerCursor{.last_seq = 15});
    ASSERT_TRUE(ledger.replay(kAnna, 10, many, no_alert).has_value());
    EXPECT_EQ(ledger.release(kT0).size(), 5u);
}

}  // namespace
}  // namespace yihu::api
