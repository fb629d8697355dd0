// A closed alert can leave the engine's memory (its history is the store's): forgetting refuses open and unknown
// alerts, drops the alert by number and id, and leaves everything else as it was; numbers are never given again,
// also after a restart that restores open alerts only.

#include <gtest/gtest.h>

#include "core/alert/alert_engine.h"

namespace yihu::core {
namespace {

using namespace std::chrono_literals;

const geo::LatLng kLake{22.97, 113.90};
const Time kT0 = time_from_ms(1'795'312'800'000);

TEST(AlertEngineForget, DropsAClosedAlertOnlyAndKeepsNumbering) {
    AlertEngine e;
    Effects fx;
    e.set_profile(1, {.skills = kSkillSwimmer}, kT0, fx);
    ASSERT_TRUE(e.update_position(1, geo::destination(kLake, 0, 200), 10, kT0, fx));
    auto open = e.create({.kind = AlertKind::kDrowning, .center = kLake, .responders_wanted = 1}, kT0, fx);
    ASSERT_TRUE(open);
    auto closed = e.create({.kind = AlertKind::kGeneral, .center = kLake}, kT0 + 1s, fx);
    ASSERT_TRUE(closed);
    const Alert* c = e.find(*closed);
    ASSERT_NE(c, nullptr);
    const std::string closed_id = c->id;

    auto refused = e.forget(*open);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    auto unknown = e.forget(999);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::kUnknownAlert);

    ASSERT_TRUE(e.close(*closed, AlertState::kResolved, "done", kT0 + 3s, fx));
    ASSERT_TRUE(e.forget(*closed));
    EXPECT_EQ(e.find(*closed), nullptr);
    EXPECT_EQ(e.find(closed_id), nullptr);
    EXPECT_EQ(e.alerts().size(), 1u);
    EXPECT_EQ(e.active().size(), 1u);
    ASSERT_NE(e.find(*open), nullptr);
    EXPECT_FALSE(e.forget(*closed)) << "forgotten twice";

    // The open alert carries on: a response still reaches it, and its responder's moves reach its feed only.
    fx.clear();
    ASSERT_TRUE(e.respond(*open, 1, ResponseKind::kAccept, kT0 + 4s, fx));
    fx.clear();
    ASSERT_TRUE(e.update_position(1, geo::destination(kLake, 0, 150), 10, kT0 + 5s, fx));
    ASSERT_FALSE(fx.feed.empty());
    for (const FeedEvent& f : fx.feed) EXPECT_EQ(f.alert, *open);

    // A new alert never takes the forgotten one's number.
    auto next = e.create({.kind = AlertKind::kGeneral, .center = kLake}, kT0 + 6s, fx);
    ASSERT_TRUE(next);
    EXPECT_GT(*next, *closed);

    // A restart that restores open alerts only continues after the highest number ever given.
    AlertEngine rebuilt;
    for (const auto& [number, alert] : e.alerts()) {
        if (!is_closed(alert.state)) {
            ASSERT_TRUE(rebuilt.restore(alert));
        }
    }
    rebuilt.continue_numbers_after(*next + 5);
    rebuilt.continue_numbers_after(*closed);  // never goes back
    auto after = rebuilt.create({.kind = AlertKind::kGeneral, .center = kLake}, kT0 + 7s, fx);
    ASSERT_TRUE(after);
    EXPECT_EQ(*after, *next + 6);
}

}  // namespace
}  // namespace yihu::core
