// core::geo::touches: an alert's reach against a neighbouring city's coverage (docs/federation.md).

#include "core/geo/area_touch.h"

#include <gtest/gtest.h>

#include "core/geo/sphere.h"

namespace yihu::core::geo {
namespace {

Circle circle(LatLng c, double r) {
    auto made = Circle::make(c, r);
    EXPECT_TRUE(made) << made.error().message;
    return *made;
}

Polygon square(double lat, double lon, double half_deg) {
    auto made = Polygon::make({{lat - half_deg, lon - half_deg},
                               {lat - half_deg, lon + half_deg},
                               {lat + half_deg, lon + half_deg},
                               {lat + half_deg, lon - half_deg},
                               {lat - half_deg, lon - half_deg}});
    EXPECT_TRUE(made) << made.error().message;
    return *made;
}

const LatLng kLaiwu{36.20, 117.67};

TEST(AreaTouch, CirclesTouchExactlyWhenTheirCentresAreWithinTheSumOfTheRadii) {
    const LatLng east = destination(kLaiwu, 90, 50'000);
    EXPECT_TRUE(touches(circle(kLaiwu, 30'000), circle(east, 20'001)));
    EXPECT_FALSE(touches(circle(kLaiwu, 30'000), circle(east, 19'990)));
    EXPECT_TRUE(touches(circle(kLaiwu, 1), circle(kLaiwu, 1)));
}

TEST(AreaTouch, CircleAndPolygonTouchAtAnEdgeOrWhenOneHoldsTheOther) {
    const Polygon box = square(36.20, 117.67, 0.1);       // about 11 km north of the centre to its edge
    EXPECT_TRUE(touches(circle(kLaiwu, 500), box));       // inside
    EXPECT_TRUE(touches(box, circle(kLaiwu, 500)));       // either order
    const LatLng north = destination(kLaiwu, 0, 31'120);  // about 20 km beyond the north edge
    EXPECT_TRUE(touches(circle(north, 20'200), box));
    EXPECT_FALSE(touches(circle(north, 19'500), box));
    EXPECT_TRUE(touches(circle(kLaiwu, 200'000), box));  // the circle holds the whole polygon
}

TEST(AreaTouch, PolygonsTouchWhenEdgesCrossOrOneHoldsTheOther) {
    EXPECT_TRUE(touches(square(36.2, 117.67, 0.1), square(36.35, 117.67, 0.1)));  // overlapping edges
    EXPECT_TRUE(touches(square(36.2, 117.67, 0.5), square(36.2, 117.67, 0.05)));  // nested
    EXPECT_FALSE(touches(square(36.2, 117.67, 0.1), square(36.5, 117.67, 0.1)));  // apart
}

TEST(AreaTouch, UnionsTouchIfAnyPartDoes) {
    auto u = Area::make({circle({30.0, 110.0}, 1'000)}, {square(36.2, 117.67, 0.1)});
    ASSERT_TRUE(u) << u.error().message;
    EXPECT_TRUE(touches(*u, circle(kLaiwu, 100)));
    EXPECT_TRUE(touches(circle({30.0, 110.001}, 100), *u));
    EXPECT_FALSE(touches(*u, circle({40.0, 100.0}, 10'000)));
}

}  // namespace
}  // namespace yihu::core::geo
