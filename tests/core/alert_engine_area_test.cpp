// An alert with a drawn area (a circle or a polygon whose middle is not the alert's centre): the area filters, but
// nearness and every distance are measured from the alert's centre, on every path a volunteer can be called by.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "core/alert/alert_engine.h"

namespace yihu::core {
namespace {

using geo::LatLng;
using namespace std::chrono_literals;

const LatLng kDrowning{22.97, 113.90};  // C: where the person went under
// The lake drawn as the area: a 1.5 km circle centred 800 m east of C.
const LatLng kLakeMiddle = geo::destination(kDrowning, 90, 800);
const Time kT0 = time_from_ms(1'795'312'800'000);
const VolunteerProfile kSwimmer{.skills = kSkillSwimmer};

class AlertAreaTest : public ::testing::Test {
  protected:
    void place_at(VolunteerId v, LatLng p, VolunteerProfile profile = kSwimmer) {
        engine.set_profile(v, std::move(profile), kT0, fx);
        ASSERT_TRUE(engine.update_position(v, p, 10, kT0, fx));
        positions[v] = p;
    }
    // Alert notices of this step: volunteer -> distance_m.
    std::map<VolunteerId, double> alerted(AlertNumber a) const {
        std::map<VolunteerId, double> out;
        for (const Notice& n : fx.notices) {
            if (n.kind == Notice::Kind::kAlert && n.alert == a) out[n.volunteer] = n.distance_m;
        }
        return out;
    }
    AlertNumber create(AlertSpec spec) {
        auto n = engine.create(std::move(spec), kT0, fx);
        EXPECT_TRUE(n) << (n ? "" : n.error().message);
        return n ? *n : 0;
    }
    // Every notice's distance and every recipient's stored distance equal the haversine distance to C.
    void expect_distances_from_centre(AlertNumber a, const std::map<VolunteerId, double>& got) {
        for (const auto& [v, d] : got) {
            EXPECT_NEAR(d, geo::haversine_m(kDrowning, positions.at(v)), 1e-6) << "volunteer " << v;
            const Alert* alert = engine.find(a);
            ASSERT_NE(alert, nullptr);
            ASSERT_TRUE(alert->recipients.count(v));
            EXPECT_NEAR(alert->recipients.at(v).distance_m, d, 1e-9);
        }
    }

    AlertEngine engine;
    Effects fx;
    std::map<VolunteerId, LatLng> positions;
};

TEST_F(AlertAreaTest, NearestInADrawnCircleAreTheNearestToTheAlertsCentre) {
    // Three swimmers 50, 100 and 150 m west of C (inside the circle, ~900 m from its middle) and three 10-20 m from
    // the circle's middle (800 m from C).
    place_at(1, geo::destination(kDrowning, 270, 50));
    place_at(2, geo::destination(kDrowning, 270, 100));
    place_at(3, geo::destination(kDrowning, 270, 150));
    place_at(4, geo::destination(kLakeMiddle, 0, 10));
    place_at(5, geo::destination(kLakeMiddle, 0, 15));
    place_at(6, geo::destination(kLakeMiddle, 0, 20));
    fx.clear();

    const AlertNumber a = create({.kind = AlertKind::kDrowning,
                                  .center = kDrowning,
                                  .area = geo::Circle::make(kLakeMiddle, 1'500).value(),
                                  .responders_wanted = 1});
    const auto got = alerted(a);
    ASSERT_EQ(got.size(), 3u) << "3 x 1 wanted";
    EXPECT_TRUE(got.count(1) && got.count(2) && got.count(3)) << "the three nearest to C, not to the circle's middle";
    EXPECT_NEAR(got.at(1), 50, 0.01);
    EXPECT_NEAR(got.at(3), 150, 0.01);
    expect_distances_from_centre(a, got);

    // A decline passes the call to the next nearest to C: volunteer 4 (~790 m from C), not 6.
    fx.clear();
    ASSERT_TRUE(engine.respond(a, 2, ResponseKind::kDecline, kT0 + 5s, fx));
    const auto next = alerted(a);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_TRUE(next.count(4));
    expect_distances_from_centre(a, next);
}

TEST_F(AlertAreaTest, NearestInADrawnPolygonAreTheNearestToTheAlertsCentre) {
    // A square of ~2 km around the lake's middle; C sits inside it near its west edge.
    const std::vector<LatLng> ring{
        {22.961, 113.899}, {22.979, 113.899}, {22.979, 113.917}, {22.961, 113.917}, {22.961, 113.899}};
    place_at(1, geo::destination(kDrowning, 90, 40));
    place_at(2, geo::destination(kDrowning, 0, 60));
    place_at(3, geo::destination(kLakeMiddle, 0, 5));  // the polygon's middle: far from C
    place_at(4, geo::destination(kLakeMiddle, 90, 5));
    fx.clear();

    AlertPolicy policy = default_policy(AlertKind::kDrowning);
    policy.max_recipients = 2;
    const AlertNumber a = create({.kind = AlertKind::kDrowning,
                                  .center = kDrowning,
                                  .area = geo::Polygon::make(ring).value(),
                                  .responders_wanted = 1,
                                  .policy = policy});
    const auto got = alerted(a);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_TRUE(got.count(1) && got.count(2));
    EXPECT_NEAR(got.at(1), 40, 0.01);
    expect_distances_from_centre(a, got);
}

TEST_F(AlertAreaTest, RoamingComingOnDutyAndQuietHourReleasesMeasureFromTheAlertsCentre) {
    const AlertNumber a = create({.kind = AlertKind::kGeneral,
                                  .center = kDrowning,
                                  .area = geo::Circle::make(kLakeMiddle, 1'500).value(),
                                  .responders_wanted = 1});
    // Walks into the area near its middle.
    fx.clear();
    place_at(1, geo::destination(kDrowning, 0, 5'000));
    fx.clear();
    const LatLng walked_in = geo::destination(kLakeMiddle, 180, 30);
    ASSERT_TRUE(engine.update_position(1, walked_in, 10, kT0 + 1s, fx));
    positions[1] = walked_in;
    auto got = alerted(a);
    ASSERT_EQ(got.size(), 1u) << "roaming";
    expect_distances_from_centre(a, got);

    // Comes on duty inside the area.
    place_at(2, geo::destination(kLakeMiddle, 45, 100),
             VolunteerProfile{.skills = kSkillSwimmer, .availability = Availability::kOffDuty});
    fx.clear();
    engine.set_availability(2, Availability::kOnDuty, kT0 + 2s, fx);
    got = alerted(a);
    ASSERT_EQ(got.size(), 1u) << "came on duty";
    expect_distances_from_centre(a, got);

    // In quiet hours when it arrives (10:00-10:05 China time): held, then released when the window ends.
    engine.set_quiet_hours(3, QuietHours{.start_minute = 600, .end_minute = 605});
    fx.clear();
    place_at(3, geo::destination(kLakeMiddle, 135, 200));
    EXPECT_TRUE(alerted(a).empty()) << "held for quiet hours";
    ASSERT_TRUE(engine.find(a)->held.count(3));
    const Time release = engine.find(a)->held.at(3);
    ASSERT_TRUE(engine.update_position(3, positions[3], 10, release, fx));
    fx.clear();
    engine.tick(release, fx);
    got = alerted(a);
    ASSERT_EQ(got.size(), 1u) << "after quiet hours";
    expect_distances_from_centre(a, got);
}

}  // namespace
}  // namespace yihu::core
