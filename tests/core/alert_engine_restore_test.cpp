// A restart must resume every alert exactly: an engine rebuilt from saved alerts behaves, from then on, like the
// engine that never stopped. Checked by running both side by side through the same calls.

#include <gtest/gtest.h>

#include "core/alert/alert_engine.h"

namespace yihu::core {
namespace {

using geo::LatLng;
using namespace std::chrono_literals;

const LatLng kLake{22.97, 113.90};
const Time kT0 = time_from_ms(1'795'312'800'000);
const VolunteerProfile kSwimmer{.skills = kSkillSwimmer};

void place(AlertEngine& e, VolunteerId v, double metres, VolunteerProfile profile, Effects& fx) {
    e.set_profile(v, std::move(profile), kT0, fx);
    ASSERT_TRUE(e.update_position(v, geo::destination(kLake, v * 37.0, metres), 10, kT0, fx));
}

// The same volunteers (positions are never saved: phones report them again after a restart).
void populate(AlertEngine& e, Effects& fx) {
    for (VolunteerId v = 1; v <= 12; ++v) place(e, v, 180.0 * v, kSwimmer, fx);
    place(e, 40, 5'000, kSwimmer, fx);  // reached only after two widenings
    for (VolunteerId v = 50; v < 60; ++v) place(e, v, 900.0 * (v - 49), {}, fx);
}

std::vector<std::tuple<int, VolunteerId, AlertNumber, std::uint64_t, std::string>> summary(const Effects& fx) {
    std::vector<std::tuple<int, VolunteerId, AlertNumber, std::uint64_t, std::string>> out;
    for (const Notice& n : fx.notices)
        out.emplace_back(static_cast<int>(n.kind), n.volunteer, n.alert, n.alert_version, n.role);
    return out;
}

TEST(AlertEngineRestore, RebuiltEngineContinuesExactlyLikeTheOriginal) {
    AlertEngine original;
    Effects fx;
    populate(original, fx);
    ASSERT_TRUE(original.register_device({.id = "hut-1", .name = "hut", .position = kLake, .responders_wanted = 2}));

    auto drowning = original.create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 3}, kT0, fx);
    ASSERT_TRUE(drowning);
    auto missing = original.create({.kind = AlertKind::kMissingPerson, .center = kLake}, kT0 + 1s, fx);
    ASSERT_TRUE(missing);
    auto closed = original.create({.kind = AlertKind::kGeneral, .center = kLake}, kT0 + 2s, fx);
    ASSERT_TRUE(closed);
    ASSERT_TRUE(original.close(*closed, AlertState::kCancelled, "test", kT0 + 3s, fx));
    auto hut = original.trigger_device("hut-1", kT0 + 4s, fx);
    ASSERT_TRUE(hut);
    ASSERT_TRUE(original.respond(*drowning, 2, ResponseKind::kAccept, kT0 + 10s, fx));
    ASSERT_TRUE(original.report_sighting(*missing, 3, kLake, "seen", "", kT0 + 11s, fx));

    // Restart: a new engine with the same devices, every alert restored, positions reported again.
    AlertEngine rebuilt;
    Effects ignored;
    ASSERT_TRUE(rebuilt.register_device({.id = "hut-1", .name = "hut", .position = kLake, .responders_wanted = 2}));
    for (const auto& [number, alert] : original.alerts()) ASSERT_TRUE(rebuilt.restore(alert));
    populate(rebuilt, ignored);
    EXPECT_EQ(rebuilt.active(), original.active());
    EXPECT_EQ(rebuilt.next_deadline(), original.next_deadline());
    EXPECT_EQ(rebuilt.restore(original.alerts().begin()->second).error().code, ErrorCode::kConflict);

    // From here both get the same calls and must say the same things.
    auto both = [&](auto&& call) {
        Effects a, b;
        call(original, a);
        call(rebuilt, b);
        EXPECT_EQ(summary(a), summary(b));
        EXPECT_EQ(a.feed.size(), b.feed.size());
    };
    both([&](AlertEngine& e, Effects& f) { e.tick(kT0 + 60s, f); });  // drowning widens
    both(
        [&](AlertEngine& e, Effects& f) { ASSERT_TRUE(e.respond(*drowning, 1, ResponseKind::kAccept, kT0 + 70s, f)); });
    both([&](AlertEngine& e, Effects& f) { e.tick(kT0 + 120s, f); });
    both([&](AlertEngine& e, Effects& f) {  // merged into the open hut alert in both
        auto n = e.trigger_device("hut-1", kT0 + 5min, f);
        ASSERT_TRUE(n);
        EXPECT_EQ(*n, *hut);
    });
    both([&](AlertEngine& e, Effects& f) { e.tick(kT0 + 31min, f); });  // missing-person ring grows
    both([&](AlertEngine& e, Effects& f) {                              // a responder's move reaches the feed in both
        ASSERT_TRUE(e.update_position(2, kLake, 5, kT0 + 32min, f));
    });
    both([&](AlertEngine& e, Effects& f) {
        auto n = e.create({.kind = AlertKind::kGeneral, .center = kLake}, kT0 + 40min, f);
        ASSERT_TRUE(n);
        EXPECT_GT(*n, *hut) << "numbers continue after the restored ones";
    });
    both([&](AlertEngine& e, Effects& f) {
        ASSERT_TRUE(e.close(*drowning, AlertState::kResolvedFound, "ok", kT0 + 41min, f));
    });
    for (const auto& [number, alert] : original.alerts()) {
        const Alert* r = rebuilt.find(number);
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(r->version, alert.version);
        EXPECT_EQ(r->recipients.size(), alert.recipients.size());
        EXPECT_EQ(r->state, alert.state);
    }
}

}  // namespace
}  // namespace yihu::core
