// A dispatcher draws the area (the lake) and puts the alert's centre where the person went under: over a real node,
// the nearest to the centre are called and every distance a phone or the dispatcher reads is from the centre.

#include <map>

#include "node_harness.h"

namespace yihu::testing {
namespace {

std::string latlng_json(core::geo::LatLng p) {
    return R"({"latitude":)" + std::to_string(p.lat) + R"(,"longitude":)" + std::to_string(p.lon) + "}";
}

// distance_m of each recipient, by volunteer id.
std::map<std::string, double> recipient_distances(const client::HttpClient::Reply& r) {
    std::map<std::string, double> out;
    v1::RecipientsResponse recipients;
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_TRUE(api::parse_json(r.body, recipients).ok()) << r.body;
    for (const auto& rec : recipients.recipients()) out[rec.volunteer_id()] = rec.distance_m();
    return out;
}

TEST_F(NodeTest, DrawnCircleCallsTheNearestToTheAlertsCentre) {
    // The lake drawn as a 1.5 km circle centred 800 m east of the drowning.
    const core::geo::LatLng lake_middle = near_lake(800, 90);
    std::vector<std::unique_ptr<Phone>> near_c, near_middle;
    for (int i = 1; i <= 3; ++i) {
        near_c.push_back(phone("v-c" + std::to_string(i), near_lake(50.0 * i, 270), {"swimmer"}, i == 2));
        near_middle.push_back(phone("v-m" + std::to_string(i), core::geo::destination(lake_middle, 0, 5.0 + 5.0 * i),
                                    {"swimmer"}, i == 2));
    }
    const v1::Alert alert =
        create(R"({"kind":"ALERT_KIND_DROWNING","center":)" + latlng_json(kLake) + R"(,"area":{"circle":{"center":)" +
               latlng_json(lake_middle) + R"(,"radiusM":1500}},"title":"Drowning, east lake","respondersWanted":1})");
    ASSERT_FALSE(alert.id().empty());

    for (int i = 0; i < 3; ++i) {
        auto push = near_c[i]->next_of(v1::ServerMessage::kAlert);
        ASSERT_TRUE(push) << "swimmer " << 50 * (i + 1) << " m from the centre not alerted";
        EXPECT_EQ(push->alert().alert_id(), alert.id());
        EXPECT_NEAR(push->alert().distance_m(), 50.0 * (i + 1), 1.0) << "measured from the alert's centre";
    }
    // The recipients list is the whole truth: exactly the three nearest to the centre, with their distances to it.
    const auto rows = recipient_distances(call("GET", "/v1/alerts/" + alert.id() + "/recipients"));
    ASSERT_EQ(rows.size(), 3u);
    for (int i = 1; i <= 3; ++i) {
        const std::string id = "v-c" + std::to_string(i);
        ASSERT_TRUE(rows.count(id)) << id;
        EXPECT_NEAR(rows.at(id), 50.0 * i, 1.0);
    }
}

TEST_F(NodeTest, DrawnPolygonMeasuresFromTheAlertsCentre) {
    // A flood polygon whose bounding-box centre is ~1 km north-east of the alert's centre.
    auto a = phone("v-a", near_lake(100, 0), {}, false);
    auto b = phone("v-b", near_lake(400, 45), {}, true);
    const v1::Alert alert =
        create(R"({"kind":"ALERT_KIND_DISASTER","center":)" + latlng_json(kLake) +
               R"(,"title":"Flooding","area":{"polygon":{"ring":[)" + latlng_json({22.925, 113.885}) + "," +
               latlng_json({22.945, 113.885}) + "," + latlng_json({22.945, 113.905}) + "," +
               latlng_json({22.925, 113.905}) + "," + latlng_json({22.925, 113.885}) + "]}}}");
    ASSERT_FALSE(alert.id().empty());
    auto pa = a->next_of(v1::ServerMessage::kAlert);
    auto pb = b->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(pa && pb);
    EXPECT_NEAR(pa->alert().distance_m(), 100, 1.0);
    EXPECT_NEAR(pb->alert().distance_m(), 400, 1.0);
    const auto rows = recipient_distances(call("GET", "/v1/alerts/" + alert.id() + "/recipients"));
    ASSERT_EQ(rows.size(), 2u);
    ASSERT_TRUE(rows.count("v-a") && rows.count("v-b"));
    EXPECT_NEAR(rows.at("v-a"), 100, 1.0);
    EXPECT_NEAR(rows.at("v-b"), 400, 1.0);
}

}  // namespace
}  // namespace yihu::testing
