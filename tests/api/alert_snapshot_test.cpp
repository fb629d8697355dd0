// What the store keeps of an alert brings it back whole: a match held for quiet hours is still delivered when the
// window ends after a restart, and audit entries keep their actor and version.

#include "api/persist/alert_snapshot.h"

#include <gtest/gtest.h>

#include "core/alert/alert_engine.h"

namespace yihu::api {
namespace {

using namespace std::chrono_literals;

const core::geo::LatLng kLake{22.97, 113.90};
const core::Time kT0 = core::time_from_ms(1'795'312'800'000);  // 10:00 China time
const core::QuietHours kMorningQuiet{.start_minute = 9 * 60, .end_minute = 11 * 60};

void place(core::AlertEngine& e, core::VolunteerId v, double metres, core::Time at, core::Effects& fx) {
    e.set_profile(v, {}, at, fx);
    ASSERT_TRUE(e.update_position(v, core::geo::destination(kLake, v * 37.0, metres), 10, at, fx));
}

TEST(AlertSnapshot, HeldQuietHourMatchSurvivesTheStoreAndIsDeliveredWhenTheWindowEnds) {
    NameTable volunteers, teams;
    SkillCatalog skills;
    const core::VolunteerId quiet = volunteers.intern("v-quiet");
    const core::VolunteerId awake = volunteers.intern("v-awake");
    core::Effects fx;
    core::AlertEngine before;
    before.set_quiet_hours(quiet, kMorningQuiet);
    place(before, quiet, 300, kT0, fx);
    place(before, awake, 500, kT0, fx);
    auto n = before.create({.kind = core::AlertKind::kGeneral, .center = kLake, .title = "Lost dog"}, kT0, fx);
    ASSERT_TRUE(n);
    const core::Alert& original = *before.find(*n);
    ASSERT_EQ(original.held.size(), 1u);
    ASSERT_EQ(original.recipients.size(), 1u);
    const core::Time release = original.held.at(quiet);
    ASSERT_EQ(release, kT0 + 1h);

    // Through the bytes the store keeps, into another process's tables (names interned in another order).
    NameTable volunteers2, teams2;
    SkillCatalog skills2;
    volunteers2.intern("someone-else");
    core::Alert restored;
    AlertExtras extras;
    ASSERT_TRUE(decode_alert(encode_alert(original, AlertExtras{}, skills, teams, volunteers), skills2, teams2,
                             volunteers2, restored, extras));
    for (const auto& [v, r] : original.recipients) {
        core::Recipient back;
        DeliveryMarks marks;
        ASSERT_TRUE(decode_recipient(encode_recipient(r, DeliveryMarks{}), back, marks));
        restored.recipients[volunteers2.intern(volunteers.name(v))] = back;
    }
    const core::VolunteerId quiet2 = volunteers2.intern("v-quiet");
    ASSERT_EQ(restored.held.size(), 1u);
    ASSERT_TRUE(restored.held.count(quiet2)) << "the held match is stored under the volunteer's name";
    EXPECT_EQ(restored.held.at(quiet2), release);

    core::AlertEngine after;
    ASSERT_TRUE(after.restore(restored));
    // The phone reports again after the restart, still in its quiet window.
    after.set_quiet_hours(quiet2, kMorningQuiet);
    fx.clear();
    place(after, quiet2, 300, release - 1min, fx);
    EXPECT_TRUE(fx.notices.empty()) << "still quiet: still held";
    ASSERT_LE(after.next_deadline().value_or(core::Time::max()), release);
    fx.clear();
    after.tick(release, fx);
    ASSERT_EQ(fx.notices.size(), 1u);
    EXPECT_EQ(fx.notices[0].kind, core::Notice::Kind::kAlert);
    EXPECT_EQ(fx.notices[0].volunteer, quiet2);
    EXPECT_EQ(after.find(restored.number)->recipients.at(quiet2).reason, "after quiet hours");
}

TEST(AlertSnapshot, AuditEntriesKeepActorAndVersion) {
    NameTable volunteers, volunteers2;
    const core::AuditEntry entry{.at = kT0,
                                 .kind = core::AuditKind::kUpdated,
                                 .volunteer = volunteers.intern("v-1"),
                                 .reason = "description",
                                 .alert_version = 7,
                                 .actor = "d-204"};
    core::AuditEntry back;
    ASSERT_TRUE(decode_audit(encode_audit(entry, volunteers), volunteers2, back));
    EXPECT_EQ(back.at, entry.at);
    EXPECT_EQ(back.kind, entry.kind);
    EXPECT_EQ(volunteers2.name(*back.volunteer), "v-1");
    EXPECT_EQ(back.reason, "description");
    EXPECT_EQ(back.alert_version, 7u);
    EXPECT_EQ(back.actor, "d-204");
}

}  // namespace
}  // namespace yihu::api
