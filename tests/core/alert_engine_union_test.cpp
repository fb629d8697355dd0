// An alert whose area is a union of shapes (a CAP alert naming two districts): a broadcast reaches everyone inside
// any part and nobody between them, and a volunteer who walks into either part gets the alert once (roaming).

#include <gtest/gtest.h>

#include <set>

#include "core/alert/alert_engine.h"

namespace yihu::core {
namespace {

using geo::LatLng;

const Time kT0 = time_from_ms(1'795'312'800'000);
const LatLng kLaiwu{36.20, 117.67};
const LatLng kJinan{36.67, 117.02};

geo::Area two_districts() {
    const LatLng a = geo::destination(kJinan, 0, 0);
    const geo::Polygon jinan = geo::Polygon::make({{a.lat - 0.02, a.lon - 0.02},
                                                   {a.lat - 0.02, a.lon + 0.02},
                                                   {a.lat + 0.02, a.lon + 0.02},
                                                   {a.lat + 0.02, a.lon - 0.02},
                                                   {a.lat - 0.02, a.lon - 0.02}})
                                   .value();
    return geo::Area::make({geo::Circle::make(kLaiwu, 2'000).value()}, {jinan}).value();
}

std::set<VolunteerId> alerted(const Effects& fx, AlertNumber a) {
    std::set<VolunteerId> out;
    for (const Notice& n : fx.notices) {
        if (n.kind == Notice::Kind::kAlert && n.alert == a) out.insert(n.volunteer);
    }
    return out;
}

TEST(AlertEngineUnion, BroadcastReachesEveryPartAndNothingBetween) {
    AlertEngine engine;
    Effects fx;
    const VolunteerProfile on_duty{};
    auto place = [&](VolunteerId v, LatLng p) {
        engine.set_profile(v, on_duty, kT0, fx);
        ASSERT_TRUE(engine.update_position(v, p, 10, kT0, fx));
    };
    place(1, geo::destination(kLaiwu, 45, 500));    // inside the Laiwu circle
    place(2, geo::destination(kJinan, 200, 1000));  // inside the Jinan square
    place(3, LatLng{36.45, 117.35});                // between the two, inside their common box
    place(4, geo::destination(kLaiwu, 0, 2500));    // just outside the circle
    fx.clear();
    auto a = engine.create({.kind = AlertKind::kDisaster,
                            .center = two_districts().reference_point(),
                            .area = two_districts(),
                            .responders_wanted = 1,
                            .title = "Flood warning"},
                           kT0, fx);
    ASSERT_TRUE(a) << (a ? "" : a.error().message);
    EXPECT_EQ(alerted(fx, *a), (std::set<VolunteerId>{1, 2}));

    // Walking from between the parts into the Jinan square: alerted once, by the roaming check.
    fx.clear();
    ASSERT_TRUE(engine.update_position(3, geo::destination(kJinan, 90, 500), 10, kT0 + std::chrono::seconds(5), fx));
    EXPECT_EQ(alerted(fx, *a), (std::set<VolunteerId>{3}));
    fx.clear();
    ASSERT_TRUE(engine.update_position(3, geo::destination(kJinan, 90, 600), 10, kT0 + std::chrono::seconds(9), fx));
    EXPECT_TRUE(alerted(fx, *a).empty());
}

}  // namespace
}  // namespace yihu::core
