// Area <-> v1::Area, including unions (v1::Shapes), which alert views, snapshots and CAP import carry.

#include "api/codec/geo_codec.h"

#include <gtest/gtest.h>

namespace yihu::api {
namespace {

using core::geo::Area;
using core::geo::Circle;
using core::geo::LatLng;
using core::geo::Polygon;

Polygon square(double lat0, double lon0, double lat1, double lon1) {
    return Polygon::make({{lat0, lon0}, {lat0, lon1}, {lat1, lon1}, {lat1, lon0}, {lat0, lon0}}).value();
}

TEST(GeoCodec, AUnionRoundTripsThroughShapes) {
    const Area area =
        Area::make({Circle::make({36.2, 117.67}, 800).value()}, {square(36.6, 117.0, 36.7, 117.1)}).value();
    v1::Area wire;
    to_proto(area, &wire);
    ASSERT_EQ(wire.shape_case(), v1::Area::kShapes);
    EXPECT_EQ(wire.shapes().circles_size(), 1);
    EXPECT_EQ(wire.shapes().polygons_size(), 1);
    auto back = from_proto(wire);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_NE(back->shapes(), nullptr);
    EXPECT_TRUE(back->contains(LatLng{36.2, 117.67}));
    EXPECT_TRUE(back->contains(LatLng{36.65, 117.05}));
    EXPECT_FALSE(back->contains(LatLng{36.4, 117.3}));
}

TEST(GeoCodec, ShapesWithFewerThanTwoOrABadShapeAreRefused) {
    v1::Area one;
    v1::Circle* c = one.mutable_shapes()->add_circles();
    c->mutable_center()->set_latitude(36.2);
    c->set_radius_m(100);
    auto refused = from_proto(one);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, core::ErrorCode::kInvalidArgument);
    v1::Circle* bad = one.mutable_shapes()->add_circles();
    bad->mutable_center()->set_latitude(95);
    EXPECT_EQ(from_proto(one).error().code, core::ErrorCode::kLatitudeOutOfRange);
}

}  // namespace
}  // namespace yihu::api
