// The rules docs/lifecycle.md states precisely enough for an outside oracle: withdrawals, escalation at its limit,
// who hears of an escalation, quiet-hour holds and nearest-K slots, ties, and what the audit trail records.

#include <gtest/gtest.h>

#include <algorithm>

#include "core/alert/alert_engine.h"

namespace yihu::core {
namespace {

using geo::LatLng;
using namespace std::chrono_literals;

const LatLng kLake{22.97, 113.90};
const Time kT0 = time_from_ms(1'795'312'800'000);  // 10:00 China time
const VolunteerProfile kRescuer{.skills = kSkillWaterRescue};
const VolunteerProfile kVetted{.tier = Tier::kVetted};

class LifecycleRules : public ::testing::Test {
  protected:
    void place(VolunteerId v, double metres, VolunteerProfile profile, Time at = kT0) {
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
    AlertNumber create(AlertSpec spec, Time at = kT0) {
        auto n = engine.create(std::move(spec), at, fx);
        EXPECT_TRUE(n) << (n ? "" : n.error().message);
        return n ? *n : 0;
    }
    const Alert& alert(AlertNumber a) const { return *engine.find(a); }

    AlertEngine engine;
    Effects fx;
};

TEST_F(LifecycleRules, WithdrawalIsRecordedAsOneAndNeverTellsTheStoodDownAgain) {
    for (VolunteerId v = 1; v <= 9; ++v) place(v, 100.0 * v, kRescuer);
    const AlertNumber a = create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 1});
    ASSERT_EQ(alert(a).recipients.size(), 3u);
    ASSERT_TRUE(engine.respond(a, 1, ResponseKind::kAccept, kT0 + 5s, fx));
    ASSERT_TRUE(alert(a).staffed);
    ASSERT_TRUE(alert(a).recipients.at(2).stood_down);

    fx.clear();
    ASSERT_TRUE(engine.respond(a, 1, ResponseKind::kWithdraw, kT0 + 10s, fx));
    const Recipient& r = alert(a).recipients.at(1);
    EXPECT_EQ(r.last_response, ResponseKind::kWithdraw);
    EXPECT_FALSE(r.accepted);
    EXPECT_EQ(alert(a).accepted, 0u);
    // The next three nearest, at the same radius; the two stood down hear nothing.
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{4, 5, 6}));
    EXPECT_EQ(alert(a).recipients.at(4).reason, "withdrawal");
    EXPECT_TRUE(notified(Notice::Kind::kUpdate, a).empty());
    EXPECT_TRUE(notified(Notice::Kind::kStandDown, a).empty());
    EXPECT_DOUBLE_EQ(alert(a).radius_m, 1'500) << "a withdrawal never widens the radius by itself";
    EXPECT_EQ(engine.next_deadline(), kT0 + 70s);
    // A second withdrawal by the same volunteer is refused: they are no longer accepted.
    EXPECT_EQ(engine.respond(a, 1, ResponseKind::kWithdraw, kT0 + 11s, fx).error().code, ErrorCode::kNotAccepted);
    EXPECT_EQ(engine.respond(a, 7, ResponseKind::kWithdraw, kT0 + 11s, fx).error().code, ErrorCode::kNotRecipient);
    // The trail: the response, then the staffing change, neither a state change.
    const auto& trail = alert(a).audit;
    const auto withdrawn = std::find_if(trail.begin(), trail.end(), [](const AuditEntry& e) {
        return e.kind == AuditKind::kResponded && e.reason == "withdraw";
    });
    ASSERT_NE(withdrawn, trail.end());
    EXPECT_EQ(withdrawn->volunteer, std::optional<VolunteerId>(1));
    EXPECT_EQ(std::count_if(trail.begin(), trail.end(),
                            [](const AuditEntry& e) { return e.kind == AuditKind::kStateChanged; }),
              0);
    EXPECT_EQ(std::count_if(trail.begin(), trail.end(),
                            [](const AuditEntry& e) { return e.kind == AuditKind::kStaffingLost; }),
              1);
}

TEST_F(LifecycleRules, EscalationReportsTheOldRadiusTellsNoEarlierRecipientAndStopsAtItsLimit) {
    for (VolunteerId v = 1; v <= 3; ++v) place(v, 200.0 * v, kRescuer);
    const AlertNumber a = create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 1});
    const std::uint64_t version = alert(a).version;

    auto step = [&](Duration at) {
        fx.clear();
        engine.tick(kT0 + at, fx);
        std::vector<std::pair<double, double>> radii;
        for (const FeedEvent& e : fx.feed) {
            if (e.kind == FeedEvent::Kind::kEscalation) radii.emplace_back(e.old_radius_m, e.radius_m);
        }
        return radii;
    };
    EXPECT_EQ(step(60s), (std::vector<std::pair<double, double>>{{1'500, 3'000}}));
    EXPECT_TRUE(notified(Notice::Kind::kUpdate, a).empty()) << "earlier recipients get no update for an escalation";
    EXPECT_EQ(alert(a).version, version + 1) << "the wider radius is a new version of the alert";
    EXPECT_EQ(step(120s), (std::vector<std::pair<double, double>>{{3'000, 6'000}}));
    // At 6 km (the limit) with nobody new in reach: the step ends escalation, with no feed event and no version.
    EXPECT_TRUE(step(180s).empty());
    EXPECT_EQ(alert(a).version, version + 2);
    EXPECT_EQ(alert(a).next_escalation, Alert::kNever);
    EXPECT_EQ(engine.next_deadline(), alert(a).expires_at) << "nothing more until it expires";

    // A volunteer who comes into reach later is still called (roaming), within the cap.
    fx.clear();
    place(10, 5'000, kRescuer, kT0 + 200s);
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{10}));
}

TEST_F(LifecycleRules, RingGrowthTellsEarlierRecipientsAndReportsTheOldRadius) {
    place(1, 1'000, {});
    place(2, 4'000, {});
    const AlertNumber a = create({.kind = AlertKind::kMissingPerson, .center = kLake});
    ASSERT_EQ(alert(a).recipients.size(), 1u);
    // Positions older than 10 minutes stop matching: volunteer 2 reports again before the ring grows.
    ASSERT_TRUE(engine.update_position(2, geo::destination(kLake, 2 * 37.0, 4'000), 10, kT0 + 29min, fx));
    fx.clear();
    engine.tick(kT0 + 30min, fx);
    EXPECT_EQ(notified(Notice::Kind::kUpdate, a), (std::vector<VolunteerId>{1}));
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{2}));
    ASSERT_EQ(fx.feed.size(), 2u);
    const auto grew = std::find_if(fx.feed.begin(), fx.feed.end(),
                                   [](const FeedEvent& e) { return e.kind == FeedEvent::Kind::kEscalation; });
    ASSERT_NE(grew, fx.feed.end());
    EXPECT_EQ(grew->old_radius_m, 2'000);
    EXPECT_EQ(grew->radius_m, 5'000);
}

TEST_F(LifecycleRules, QuietHourHoldsTakeNoNearestSlot) {
    // Five vetted volunteers; the nearest is in quiet hours. A suspect alert for the nearest 3 reaches the next 3
    // now and holds the first, who gets it when the window ends only if a slot is free then.
    for (VolunteerId v = 1; v <= 5; ++v) place(v, 100.0 * v, kVetted);
    engine.set_quiet_hours(1, QuietHours{.start_minute = 9 * 60, .end_minute = 11 * 60});
    AlertPolicy policy = default_policy(AlertKind::kSuspect);
    policy.max_recipients = 3;
    fx.clear();
    const AlertNumber a = create({.kind = AlertKind::kSuspect, .center = kLake, .policy = policy});
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{2, 3, 4}));
    ASSERT_TRUE(alert(a).held.count(1));
    const Time release = alert(a).held.at(1);
    EXPECT_EQ(release, kT0 + 1h);
    // Reported again just before the window ends (still quiet: still held), so the position is fresh then.
    ASSERT_TRUE(engine.update_position(1, geo::destination(kLake, 37.0, 100), 10, release - 1min, fx));
    fx.clear();
    engine.tick(release, fx);
    EXPECT_TRUE(notified(Notice::Kind::kAlert, a).empty()) << "no slot left";
    EXPECT_TRUE(alert(a).held.empty());
}

TEST_F(LifecycleRules, QuietHourHoldsGetTheirSlotBackIfOneIsFree) {
    // Only two others in reach: the held nearest gets the third slot when the window ends.
    for (VolunteerId v = 1; v <= 3; ++v) place(v, 100.0 * v, kVetted);
    engine.set_quiet_hours(1, QuietHours{.start_minute = 9 * 60, .end_minute = 11 * 60});
    AlertPolicy policy = default_policy(AlertKind::kSuspect);
    policy.max_recipients = 3;
    fx.clear();
    const AlertNumber a = create({.kind = AlertKind::kSuspect, .center = kLake, .policy = policy});
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{2, 3}));
    const Time release = alert(a).held.at(1);
    // Reported again just before the window ends (still quiet: still held), so the position is fresh then.
    ASSERT_TRUE(engine.update_position(1, geo::destination(kLake, 37.0, 100), 10, release - 1min, fx));
    fx.clear();
    engine.tick(release, fx);
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{1}));
}

TEST_F(LifecycleRules, EqualDistancesGoToTheVolunteerSeenFirst) {
    // Volunteer numbers are given in the order the server first sees each volunteer.
    const LatLng spot = geo::destination(kLake, 90, 300);
    for (VolunteerId v : {7u, 3u, 5u}) {
        engine.set_profile(v, kRescuer, kT0, fx);
        ASSERT_TRUE(engine.update_position(v, spot, 10, kT0, fx));
    }
    AlertPolicy policy = default_policy(AlertKind::kDrowning);
    policy.max_recipients = 2;
    fx.clear();
    const AlertNumber a =
        create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 1, .policy = policy});
    EXPECT_EQ(notified(Notice::Kind::kAlert, a), (std::vector<VolunteerId>{3, 5}));
}

TEST_F(LifecycleRules, AuditEntriesCarryTheirActorAndVersion) {
    place(1, 100, kRescuer);
    place(2, 200, kRescuer);
    const AlertNumber a = create(
        {.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 2, .title = "t", .created_by = "d-1"});
    ASSERT_TRUE(engine.update(a, AlertChange{.description = "red jacket", .actor = "d-2"}, kT0 + 1s, fx));
    ASSERT_TRUE(engine.respond(a, 1, ResponseKind::kAccept, kT0 + 2s, fx));
    ASSERT_TRUE(engine.close(a, AlertState::kResolvedFound, "found", kT0 + 3s, fx, "d-3"));
    const auto& trail = alert(a).audit;
    auto first = [&](AuditKind kind) {
        auto it = std::find_if(trail.begin(), trail.end(), [&](const AuditEntry& e) { return e.kind == kind; });
        EXPECT_NE(it, trail.end()) << to_string(kind);
        return it == trail.end() ? AuditEntry{} : *it;
    };
    EXPECT_EQ(first(AuditKind::kCreated).actor, "d-1");
    EXPECT_EQ(first(AuditKind::kCreated).alert_version, 1u);
    EXPECT_EQ(first(AuditKind::kMatched).actor, kActorSystem);
    EXPECT_EQ(first(AuditKind::kMatched).alert_version, 1u);
    EXPECT_EQ(first(AuditKind::kUpdated).actor, "d-2");
    EXPECT_EQ(first(AuditKind::kUpdated).alert_version, 2u);
    EXPECT_EQ(first(AuditKind::kResponded).actor, "") << "the volunteer named in the entry";
    EXPECT_EQ(first(AuditKind::kResponded).volunteer, std::optional<VolunteerId>(1));
    EXPECT_EQ(first(AuditKind::kStateChanged).actor, "d-3");
    EXPECT_EQ(first(AuditKind::kStateChanged).alert_version, alert(a).version);
    for (const AuditEntry& e : trail) EXPECT_GE(e.alert_version, 1u) << to_string(e.kind);
}

TEST_F(LifecycleRules, AMissingPersonWithAnAreaHasNoRings) {
    // A missing person with a drawn 3 km circle: everyone on duty inside it at once (the 2 km first ring does not
    // apply), nobody outside it ever, however long the search lasts.
    place(1, 1'000, {});
    place(2, 2'500, {});
    place(3, 4'000, {});
    const AlertNumber person =
        create({.kind = AlertKind::kMissingPerson, .center = kLake, .area = geo::Circle::make(kLake, 3'000).value()});
    EXPECT_EQ(notified(Notice::Kind::kAlert, person), (std::vector<VolunteerId>{1, 2}));
    for (Duration at : {30min, 60min, 120min}) {
        // Volunteer 3 keeps reporting, so only the area keeps them out.
        ASSERT_TRUE(engine.update_position(3, geo::destination(kLake, 3 * 37.0, 4'000), 10, kT0 + at - 1min, fx));
        fx.clear();
        engine.tick(kT0 + at, fx);
        EXPECT_TRUE(notified(Notice::Kind::kAlert, person).empty()) << "at " << at.count();
        EXPECT_TRUE(notified(Notice::Kind::kUpdate, person).empty()) << "no ring growth to tell of";
        EXPECT_TRUE(fx.feed.empty()) << "no escalation event";
    }
}

TEST_F(LifecycleRules, AnEscalationStepInsideAnAreaNeverWidensIt) {
    // A drowning with the lake drawn as a 1 km circle, nobody accepting: the escalation step can neither widen nor
    // call anyone inside the area, so it ends escalation; the swimmer 1.2 km away is never called.
    for (VolunteerId v = 1; v <= 3; ++v) place(v, 200.0 * v, kRescuer);
    place(4, 1'200, kRescuer);
    const AlertNumber drowning = create({.kind = AlertKind::kDrowning,
                                         .center = kLake,
                                         .area = geo::Circle::make(kLake, 1'000).value(),
                                         .responders_wanted = 1});
    EXPECT_EQ(notified(Notice::Kind::kAlert, drowning), (std::vector<VolunteerId>{1, 2, 3}));
    fx.clear();
    engine.tick(kT0 + 60s, fx);
    EXPECT_TRUE(notified(Notice::Kind::kAlert, drowning).empty());
    EXPECT_TRUE(fx.feed.empty()) << "no escalation event: the area is the whole reach";
    EXPECT_EQ(alert(drowning).next_escalation, Alert::kNever);
}

// docs/lifecycle.md's table of kinds: who each kind reaches by default, as an oracle would read it.
TEST(DefaultPolicies, MinimumTierIsPublicExceptForSuspectsAndAMissingChildReachesAsAMissingPerson) {
    for (AlertKind kind : {AlertKind::kMissingPerson, AlertKind::kMissingChild, AlertKind::kDrowning,
                           AlertKind::kDisaster, AlertKind::kGeneral}) {
        EXPECT_EQ(default_policy(kind).min_tier, Tier::kPublic) << to_string(kind);
    }
    EXPECT_EQ(default_policy(AlertKind::kSuspect).min_tier, Tier::kVetted);

    const AlertPolicy person = default_policy(AlertKind::kMissingPerson);
    const AlertPolicy child = default_policy(AlertKind::kMissingChild);
    ASSERT_EQ(child.rings.size(), person.rings.size());
    for (std::size_t i = 0; i < child.rings.size(); ++i) {
        EXPECT_EQ(child.rings[i].after, person.rings[i].after);
        EXPECT_EQ(child.rings[i].radius_m, person.rings[i].radius_m);
    }
    EXPECT_EQ(child.default_radius_m, person.default_radius_m);
    EXPECT_EQ(child.max_recipients, person.max_recipients);
    EXPECT_EQ(child.skills_any, person.skills_any);
    EXPECT_EQ(child.nearest_first, person.nearest_first);
    EXPECT_EQ(child.lifetime, person.lifetime);
    EXPECT_FALSE(person.urgent);
    EXPECT_TRUE(child.urgent) << "a missing child reaches volunteers in their quiet hours";
}

}  // namespace
}  // namespace yihu::core
