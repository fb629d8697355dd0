// Scenario tests of the alert lifecycle with a fake clock: one per kind and per rule a dispatcher relies on.

#include "core/alert/alert_engine.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace yihu::core {
namespace {

using geo::LatLng;
using namespace std::chrono_literals;

const LatLng kLake{22.97, 113.90};  // a lake in Dongguan
// 2026-11-23 10:00 China time (02:00 UTC).
const Time kT0 = time_from_ms(1'795'312'800'000);

class AlertEngineTest : public ::testing::Test {
  protected:
    // A volunteer `metres` from the lake on a bearing that spreads them around it.
    void place(VolunteerId v, double metres, VolunteerProfile profile = {}, Time at = kT0) {
        engine.set_profile(v, std::move(profile), at, fx);
        ASSERT_TRUE(engine.update_position(v, geo::destination(kLake, v * 37.0, metres), 10, at, fx));
    }

    std::vector<VolunteerId> notified(Notice::Kind kind, AlertNumber a) const {
        std::vector<VolunteerId> ids;
        for (const Notice& n : fx.notices) {
            if (n.kind == kind && n.alert == a) ids.push_back(n.volunteer);
        }
        return ids;
    }
    static std::vector<VolunteerId> sorted(std::vector<VolunteerId> v) {
        std::sort(v.begin(), v.end());
        return v;
    }
    std::size_t audit_count(AlertNumber a, AuditKind kind) const {
        const auto& trail = engine.find(a)->audit;
        return std::count_if(trail.begin(), trail.end(), [&](const AuditEntry& e) { return e.kind == kind; });
    }

    AlertNumber create(AlertSpec spec, Time at = kT0) {
        auto n = engine.create(std::move(spec), at, fx);
        EXPECT_TRUE(n) << (n ? "" : n.error().message);
        return n ? *n : 0;
    }

    AlertEngine engine;
    Effects fx;
};

const VolunteerProfile kSwimmer{.skills = kSkillSwimmer};
const VolunteerProfile kRescuer{.skills = kSkillWaterRescue};

TEST_F(AlertEngineTest, DrowningNineAlertedRingWidensThirdAcceptsSixStandDownAllNineClosed) {
    // Nine water-skilled volunteers within 1.5 km, none between 1.5 and 3 km, two at 4-5 km, and non-swimmers.
    for (VolunteerId v = 1; v <= 9; ++v) place(v, 150.0 * v, v % 2 ? kSwimmer : kRescuer);
    place(20, 4'000, kSwimmer);
    place(21, 4'500, kRescuer);
    for (VolunteerId v = 30; v < 35; ++v) place(v, 50.0 * (v - 29));  // no skill: never called to a drowning
    fx.clear();

    const AlertNumber a = create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 3});
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{1, 2, 3, 4, 5, 6, 7, 8, 9}))
        << "the nine nearest water-skilled, nearest first";
    for (const Notice& n : fx.notices) EXPECT_TRUE(n.response_requested);

    // Two accept within the minute, and get the first two roles.
    ASSERT_TRUE(engine.respond(a, 4, ResponseKind::kAccept, kT0 + 20s, fx));
    ASSERT_TRUE(engine.respond(a, 2, ResponseKind::kAccept, kT0 + 40s, fx));
    EXPECT_EQ(engine.find(a)->recipients.at(4).role, "rescue");
    EXPECT_EQ(engine.find(a)->recipients.at(2).role, "fetch_equipment");
    EXPECT_EQ(engine.next_deadline(), kT0 + 60s);

    // At 60 s only two of three: the ring doubles to 3 km, which holds nobody new.
    fx.clear();
    engine.tick(kT0 + 60s, fx);
    EXPECT_DOUBLE_EQ(engine.find(a)->radius_m, 3'000);
    EXPECT_TRUE(notified(Notice::Kind::kAlert, a).empty());
    EXPECT_EQ(audit_count(a, AuditKind::kEscalated), 1u);
    ASSERT_EQ(fx.feed.size(), 1u);
    EXPECT_EQ(fx.feed[0].kind, FeedEvent::Kind::kEscalation);

    // A third accepts: the other six stand down.
    fx.clear();
    ASSERT_TRUE(engine.respond(a, 7, ResponseKind::kAccept, kT0 + 75s, fx));
    EXPECT_EQ(engine.find(a)->recipients.at(7).role, "coordinate");
    EXPECT_EQ(sorted(notified(Notice::Kind::kStandDown, a)), (std::vector<VolunteerId>{1, 3, 5, 6, 8, 9}));
    EXPECT_FALSE(engine.next_deadline() < kT0 + 2h) << "no more escalation once staffed";

    // Someone walks into the area now: the alert is staffed, so nobody new is called.
    fx.clear();
    place(40, 200, kSwimmer, kT0 + 80s);
    EXPECT_TRUE(notified(Notice::Kind::kAlert, a).empty());

    ASSERT_TRUE(engine.respond(a, 4, ResponseKind::kOnScene, kT0 + 5min, fx));
    fx.clear();
    ASSERT_TRUE(engine.close(a, AlertState::kResolvedFound, "rescued", kT0 + 10min, fx));
    EXPECT_EQ(sorted(notified(Notice::Kind::kClosed, a)), (std::vector<VolunteerId>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_EQ(engine.find(a)->state, AlertState::kResolvedFound);
    EXPECT_EQ(engine.active().size(), 0u);

    // The audit trail tells the whole story.
    EXPECT_EQ(audit_count(a, AuditKind::kCreated), 1u);
    EXPECT_EQ(audit_count(a, AuditKind::kMatched), 9u);
    EXPECT_EQ(audit_count(a, AuditKind::kResponded), 4u);
    EXPECT_EQ(audit_count(a, AuditKind::kRoleAssigned), 3u);
    EXPECT_EQ(audit_count(a, AuditKind::kStoodDown), 1u);
    EXPECT_EQ(audit_count(a, AuditKind::kStateChanged), 1u);
}

TEST_F(AlertEngineTest, DrowningEscalationCallsTheNextNearestForTheShortfall) {
    for (VolunteerId v = 1; v <= 9; ++v) place(v, 100.0 * v, kSwimmer);
    for (VolunteerId v = 10; v <= 20; ++v) place(v, 1'600 + 100.0 * (v - 10), kSwimmer);  // 1.6-2.6 km
    fx.clear();
    const AlertNumber a = create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 3});
    ASSERT_TRUE(engine.respond(a, 1, ResponseKind::kAccept, kT0 + 10s, fx));
    fx.clear();
    engine.tick(kT0 + 60s, fx);
    // Two short, three times over: six more, the nearest beyond the first nine.
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{10, 11, 12, 13, 14, 15}));
    for (const Notice& n : fx.notices) EXPECT_GT(n.distance_m, 1'500);
    EXPECT_EQ(engine.find(a)->cap, 15u);
    EXPECT_EQ(engine.next_deadline(), kT0 + 120s);
}

TEST_F(AlertEngineTest, DeclinePassesTheCallToTheNextNearest) {
    for (VolunteerId v = 1; v <= 12; ++v) place(v, 100.0 * v, kRescuer);
    fx.clear();
    const AlertNumber a = create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 3});
    fx.clear();
    ASSERT_TRUE(engine.respond(a, 3, ResponseKind::kDecline, kT0 + 5s, fx));
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{10}));
    EXPECT_EQ(engine.find(a)->recipients.at(10).reason, "replacement");
}

TEST_F(AlertEngineTest, WithdrawalFreesTheRoleAndResumesRecruiting) {
    for (VolunteerId v = 1; v <= 12; ++v) place(v, 100.0 * v, kRescuer);
    const AlertNumber a = create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 1});
    ASSERT_TRUE(engine.respond(a, 2, ResponseKind::kAccept, kT0 + 5s, fx));
    EXPECT_TRUE(engine.find(a)->staffed);
    fx.clear();
    ASSERT_TRUE(engine.respond(a, 2, ResponseKind::kDecline, kT0 + 30s, fx));
    EXPECT_FALSE(engine.find(a)->staffed);
    EXPECT_EQ(engine.find(a)->recipients.at(2).role, "");
    EXPECT_EQ(engine.find(a)->recipients.at(2).last_response, ResponseKind::kWithdraw) << "a decline after an accept";
    EXPECT_EQ(audit_count(a, AuditKind::kStaffingLost), 1u);
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{4, 5, 6}))
        << "3 x the one missing responder, the next nearest at the same radius";
    EXPECT_DOUBLE_EQ(engine.find(a)->radius_m, 1'500);
    EXPECT_EQ(engine.next_deadline(), kT0 + 90s) << "escalation waits its timeout again";
    ASSERT_TRUE(engine.respond(a, 1, ResponseKind::kAccept, kT0 + 40s, fx));
    EXPECT_EQ(engine.find(a)->recipients.at(1).role, "rescue");
}

TEST_F(AlertEngineTest, MissingPersonRingsGrowOnScheduleAndReachEachVolunteerOnce) {
    place(1, 1'000);
    place(2, 3'000);
    place(3, 7'000);
    place(4, 15'000);
    place(5, 30'000);
    fx.clear();
    const AlertNumber a = create({.kind = AlertKind::kMissingPerson, .center = kLake, .description = "grey coat"});
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{1}));
    EXPECT_EQ(engine.next_deadline(), kT0 + 30min);
    // Phones keep reporting; positions must stay fresh for the later rings.
    auto keep_fresh = [&](Time at) {
        for (VolunteerId v = 1; v <= 5; ++v) {
            ASSERT_TRUE(engine.update_position(v, engine.matcher().volunteers().position(v)->position, 10, at, fx));
        }
    };
    for (auto [at, expected] :
         {std::pair{30min, VolunteerId{2}}, std::pair{60min, VolunteerId{3}}, std::pair{120min, VolunteerId{4}}}) {
        keep_fresh(kT0 + at - 1min);
        fx.clear();
        engine.tick(kT0 + at, fx);
        EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{expected}));
        EXPECT_EQ(notified(Notice::Kind::kUpdate, a).size(), static_cast<std::size_t>(expected - 1))
            << "everyone already called hears of the wider area";
    }
    EXPECT_DOUBLE_EQ(engine.find(a)->radius_m, 20'000);
    EXPECT_EQ(audit_count(a, AuditKind::kRingGrew), 3u);
    // No cap and no end but resolution or expiry: 72 hours.
    fx.clear();
    engine.tick(kT0 + 72h, fx);
    EXPECT_EQ(engine.find(a)->state, AlertState::kExpired);
    EXPECT_EQ(sorted(notified(Notice::Kind::kClosed, a)), (std::vector<VolunteerId>{1, 2, 3, 4}));
}

TEST_F(AlertEngineTest, ConfirmedSightingMovesTheSearchCentre) {
    place(1, 500);
    const LatLng elsewhere = geo::destination(kLake, 90, 12'000);
    engine.set_profile(2, {}, kT0, fx);
    ASSERT_TRUE(engine.update_position(2, geo::destination(elsewhere, 0, 800), 10, kT0, fx));
    const AlertNumber a = create({.kind = AlertKind::kMissingPerson, .center = kLake});
    auto sighting =
        engine.report_sighting(a, 1, elsewhere, "saw him at the bus stop", "https://p/1.jpg", kT0 + 5min, fx);
    ASSERT_TRUE(sighting);
    EXPECT_EQ(fx.feed.back().kind, FeedEvent::Kind::kSighting);
    EXPECT_EQ(engine.find(a)->sightings.size(), 1u);
    fx.clear();
    ASSERT_TRUE(engine.confirm_sighting(a, *sighting, kT0 + 6min, fx));
    EXPECT_EQ(engine.find(a)->center, elsewhere);
    EXPECT_EQ(notified(Notice::Kind::kUpdate, a), (std::vector<VolunteerId>{1}));
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{2}));
    EXPECT_EQ(engine.report_sighting(a, 99, elsewhere, "", "", kT0, fx).error().code, ErrorCode::kNotRecipient);
    EXPECT_EQ(engine.report_sighting(a, 1, {100, 0}, "", "", kT0, fx).error().code, ErrorCode::kLatitudeOutOfRange);
}

TEST_F(AlertEngineTest, SuspectReachesOnlyTheNearestVettedAndAsksNobodyToGo) {
    for (VolunteerId v = 1; v <= 60; ++v) place(v, 40.0 * v, {.tier = Tier::kVetted});
    for (VolunteerId v = 61; v <= 70; ++v) place(v, 10.0, {.tier = Tier::kRegistered});
    fx.clear();
    const AlertNumber a = create({.kind = AlertKind::kSuspect, .center = kLake});
    const auto alerted = notified(Notice::Kind::kAlert, a);
    ASSERT_EQ(alerted.size(), 50u);
    EXPECT_EQ(alerted.front(), 1u);
    EXPECT_EQ(alerted.back(), 50u);
    for (const Notice& n : fx.notices) EXPECT_FALSE(n.response_requested);
}

TEST_F(AlertEngineTest, BroadcastReachesEveryoneInTheAreaWithAnOptionalSkillFilter) {
    for (VolunteerId v = 1; v <= 10; ++v) place(v, 300.0 * v, {.skills = v % 2 ? kSkillFirstAid : 0});
    fx.clear();
    const AlertNumber flood = create({.kind = AlertKind::kDisaster, .center = kLake, .radius_m = 2'000});
    EXPECT_EQ(notified(Notice::Kind::kAlert, flood), (std::vector<VolunteerId>{1, 2, 3, 4, 5, 6}));
    const AlertNumber first_aid =
        create({.kind = AlertKind::kGeneral, .center = kLake, .radius_m = 2'000, .skills_all = kSkillFirstAid});
    EXPECT_EQ(notified(Notice::Kind::kAlert, first_aid), (std::vector<VolunteerId>{1, 3, 5}));
}

TEST_F(AlertEngineTest, OffDutyVolunteersAreNeverAlertedUntilTheyComeOnDuty) {
    place(1, 200, {.availability = Availability::kOffDuty});
    place(2, 300);
    fx.clear();
    const AlertNumber a = create({.kind = AlertKind::kGeneral, .center = kLake});
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{2}));
    // Walking around off duty changes nothing.
    ASSERT_TRUE(engine.update_position(1, geo::destination(kLake, 0, 100), 10, kT0 + 1min, fx));
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{2}));
    fx.clear();
    engine.set_availability(1, Availability::kOnDuty, kT0 + 2min, fx);
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{1}));
    EXPECT_EQ(engine.find(a)->recipients.at(1).reason, "came on duty");
}

TEST_F(AlertEngineTest, QuietHoursHoldBackNonUrgentAlertsButNeverUrgentOnes) {
    // 23:30 China time.
    const Time night = kT0 + 13h + 30min;
    const QuietHours quiet{.start_minute = 23 * 60, .end_minute = 7 * 60, .utc_offset_minutes = 480};
    ASSERT_TRUE(quiet.contains(night));
    place(1, 300, {}, night);
    place(2, 500, {}, night);
    engine.set_quiet_hours(1, quiet);
    engine.set_quiet_hours(2, quiet);
    fx.clear();
    const AlertNumber general = create({.kind = AlertKind::kGeneral, .center = kLake}, night);
    EXPECT_TRUE(notified(Notice::Kind::kAlert, general).empty());
    EXPECT_EQ(audit_count(general, AuditKind::kHeld), 2u);
    const AlertNumber child = create({.kind = AlertKind::kMissingChild, .center = kLake}, night);
    EXPECT_EQ(notified(Notice::Kind::kAlert, child), (std::vector<VolunteerId>{1, 2})) << "urgent: no waiting";

    // 07:00: the held match is delivered to volunteer 1, who is still there; volunteer 2 went off duty.
    const Time morning = kT0 + 21h;
    EXPECT_EQ(engine.find(general)->held.at(1), morning) << "held until the window ends";
    ASSERT_LE(engine.next_deadline(), morning);
    ASSERT_TRUE(engine.update_position(1, geo::destination(kLake, 0, 300), 10, morning - 1min, fx));
    ASSERT_TRUE(engine.update_position(2, geo::destination(kLake, 0, 500), 10, morning - 1min, fx));
    engine.set_availability(2, Availability::kOffDuty, morning - 1min, fx);
    fx.clear();
    engine.tick(morning, fx);
    EXPECT_EQ(notified(Notice::Kind::kAlert, general), (std::vector<VolunteerId>{1}));
    EXPECT_EQ(engine.find(general)->recipients.at(1).reason, "after quiet hours");
    EXPECT_EQ(audit_count(general, AuditKind::kReleased), 1u);
}

TEST_F(AlertEngineTest, RoamingDeliversOnceAndRespectsTheCap) {
    for (VolunteerId v = 1; v <= 9; ++v) place(v, 100.0 * v, kSwimmer);
    const AlertNumber drowning = create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 3});
    const AlertNumber general = create({.kind = AlertKind::kGeneral, .center = kLake, .radius_m = 1'000});
    place(50, 5'000, kSwimmer);
    fx.clear();
    // Volunteer 50 walks in: the general alert reaches them, the drowning alert's nine places are taken.
    ASSERT_TRUE(engine.update_position(50, geo::destination(kLake, 0, 600), 10, kT0 + 1min, fx));
    EXPECT_EQ(notified(Notice::Kind::kAlert, general), (std::vector<VolunteerId>{50}));
    EXPECT_TRUE(notified(Notice::Kind::kAlert, drowning).empty());
    EXPECT_EQ(engine.find(general)->recipients.at(50).reason, "roaming");
    // Out and back in: never twice.
    ASSERT_TRUE(engine.update_position(50, geo::destination(kLake, 0, 3'000), 10, kT0 + 2min, fx));
    ASSERT_TRUE(engine.update_position(50, geo::destination(kLake, 0, 500), 10, kT0 + 3min, fx));
    EXPECT_EQ(notified(Notice::Kind::kAlert, general), (std::vector<VolunteerId>{50}));
}

TEST_F(AlertEngineTest, RescueHutTriggerRaisesADrowningAlertAndRepeatsMerge) {
    ASSERT_TRUE(engine.register_device({.id = "hut-17", .name = "East Lake hut 17", .position = kLake}));
    for (VolunteerId v = 1; v <= 4; ++v) place(v, 200.0 * v, kRescuer);
    fx.clear();
    auto a = engine.trigger_device("hut-17", kT0, fx);
    ASSERT_TRUE(a);
    const Alert* alert = engine.find(*a);
    EXPECT_EQ(alert->kind, AlertKind::kDrowning);
    EXPECT_EQ(alert->center, kLake);
    EXPECT_EQ(alert->device_id, "hut-17");
    EXPECT_EQ(notified(Notice::Kind::kAlert, *a).size(), 4u);
    auto again = engine.trigger_device("hut-17", kT0 + 3min, fx);
    EXPECT_EQ(*again, *a);
    EXPECT_EQ(audit_count(*a, AuditKind::kTriggerMerged), 1u);
    ASSERT_TRUE(engine.close(*a, AlertState::kResolved, "false alarm", kT0 + 5min, fx));
    auto next = engine.trigger_device("hut-17", kT0 + 6min, fx);
    EXPECT_NE(*next, *a) << "a closed alert is not reopened";
    EXPECT_EQ(engine.trigger_device("hut-99", kT0, fx).error().code, ErrorCode::kUnknownDevice);
    EXPECT_FALSE(engine.register_device({.id = "", .position = kLake}));
    EXPECT_FALSE(engine.register_device({.id = "bad", .position = {91, 0}}));
}

TEST_F(AlertEngineTest, UpdatesReachEveryRecipientOnceAndFewerWantedStandsDown) {
    for (VolunteerId v = 1; v <= 9; ++v) place(v, 100.0 * v, kSwimmer);
    const AlertNumber a = create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 3});
    ASSERT_TRUE(engine.respond(a, 1, ResponseKind::kAccept, kT0 + 5s, fx));
    fx.clear();
    ASSERT_TRUE(engine.update(a, {.expected_version = 1, .description = "child in red"}, kT0 + 10s, fx));
    EXPECT_EQ(sorted(notified(Notice::Kind::kUpdate, a)), (std::vector<VolunteerId>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    EXPECT_EQ(engine.find(a)->description, "child in red");
    EXPECT_EQ(engine.update(a, {.expected_version = 1, .title = "x"}, kT0 + 11s, fx).error().code,
              ErrorCode::kConflict);
    fx.clear();
    ASSERT_TRUE(engine.update(a, {.responders_wanted = 1}, kT0 + 12s, fx));
    EXPECT_EQ(notified(Notice::Kind::kStandDown, a).size(), 8u);
}

TEST_F(AlertEngineTest, BadRequestsGetTypedErrors) {
    place(1, 100, kSwimmer);
    EXPECT_EQ(engine.create({.center = {95, 0}}, kT0, fx).error().code, ErrorCode::kLatitudeOutOfRange);
    EXPECT_EQ(engine.create({.center = kLake, .radius_m = -5}, kT0, fx).error().code, ErrorCode::kNegativeRadius);
    EXPECT_EQ(engine.create({.center = kLake, .responders_wanted = 0}, kT0, fx).error().code,
              ErrorCode::kInvalidArgument);
    AlertPolicy silly = default_policy(AlertKind::kDrowning);
    silly.over_alert_factor = 0.5;
    EXPECT_EQ(engine.create({.center = kLake, .policy = silly}, kT0, fx).error().code, ErrorCode::kInvalidArgument);
    const AlertNumber a = create({.id = "dg-1", .kind = AlertKind::kDrowning, .center = kLake});
    EXPECT_EQ(engine.create({.id = "dg-1", .center = kLake}, kT0, fx).error().code, ErrorCode::kConflict);
    EXPECT_EQ(engine.find("dg-1")->number, a);
    EXPECT_EQ(engine.respond(999, 1, ResponseKind::kAccept, kT0, fx).error().code, ErrorCode::kUnknownAlert);
    EXPECT_EQ(engine.respond(a, 42, ResponseKind::kAccept, kT0, fx).error().code, ErrorCode::kNotRecipient);
    EXPECT_EQ(engine.respond(a, 1, ResponseKind::kOnScene, kT0, fx).error().code, ErrorCode::kNotAccepted);
    EXPECT_EQ(engine.close(a, AlertState::kExpired, "", kT0, fx).error().code, ErrorCode::kInvalidArgument);
    ASSERT_TRUE(engine.close(a, AlertState::kCancelled, "wrong lake", kT0 + 1s, fx));
    EXPECT_EQ(engine.close(a, AlertState::kCancelled, "", kT0 + 2s, fx).error().code, ErrorCode::kAlertClosed);
    EXPECT_EQ(engine.respond(a, 1, ResponseKind::kAccept, kT0 + 3s, fx).error().code, ErrorCode::kAlertClosed);
    EXPECT_EQ(engine.update(a, {.title = "x"}, kT0 + 3s, fx).error().code, ErrorCode::kAlertClosed);
}

}  // namespace
}  // namespace yihu::core
