// CAP 1.2 import: the shared national sample, the mapping rules (kind table, areas, geocodes, status, msgType,
// expiry) and the validator's reasons for schema-invalid documents.

#include "federation/cap_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "federation/cap_text.h"
#include "federation/cap_time.h"
#include "support/cap_sample.h"

namespace yihu::federation {
namespace {

using core::geo::LatLng;
using testing::CapText;

const core::Time kNow = parse_cap_time("2026-12-02T08:30:00+08:00").value();

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

TEST(CapImport, ImportsTheSharedNationalSampleWithItsHugePolygon) {
    const std::string xml = read_file(testing::test_data("cap/sample-met-alert.xml"));
    ASSERT_GT(xml.size(), 800'000u);
    const core::Time before_expiry = parse_cap_time("2024-07-02T21:00:00+00:00").value();
    auto imported = import_cap(xml, CapImportConfig{}, before_expiry);
    ASSERT_TRUE(imported) << imported.error().message;
    EXPECT_EQ(imported->key.sender, "https://www.meteoburkina.bf/");
    EXPECT_EQ(imported->key.identifier, "02efa094-425c-43fd-b8ed-1e5bdfd50361");
    EXPECT_EQ(imported->key.idempotency_key(), "cap:https://www.meteoburkina.bf/,02efa094-425c-43fd-b8ed-1e5bdfd50361");
    EXPECT_EQ(imported->type, CapMsgType::kAlert);
    EXPECT_EQ(imported->kind, core::AlertKind::kDisaster);  // category Met
    EXPECT_EQ(imported->urgency, v1::URGENCY_EXPECTED);
    EXPECT_EQ(imported->severity, v1::SEVERITY_MODERATE);
    EXPECT_EQ(imported->certainty, v1::CERTAINTY_LIKELY);
    EXPECT_EQ(imported->title, "Orages et pluies sur la majeure partie du Burkina Faso(2024-07-02)");
    ASSERT_TRUE(imported->expires.has_value());
    EXPECT_EQ(*imported->expires, parse_cap_time("2024-07-03T12:00:00+00:00").value());
    ASSERT_TRUE(imported->area.has_value());
    const core::geo::Polygon* polygon = imported->area->polygon();
    ASSERT_NE(polygon, nullptr);
    const auto ring = testing::read_cap_polygon(testing::test_data("cap/sample-met-alert.xml"));
    EXPECT_EQ(polygon->ring().size(), ring.size());
    EXPECT_GT(polygon->vertex_count(), 40'000u);
    EXPECT_TRUE(imported->area->contains(LatLng{12.37, -1.52}));  // Ouagadougou
    EXPECT_FALSE(imported->area->contains(LatLng{5.60, -0.19}));  // Accra
    EXPECT_EQ(imported->area_description, "Burkina Faso");
}

TEST(CapImport, RefusesAnAlertThatAlreadyExpired) {
    const std::string xml = read_file(testing::test_data("cap/sample-met-alert.xml"));
    auto imported = import_cap(xml, CapImportConfig{}, kNow);
    ASSERT_FALSE(imported);
    EXPECT_NE(imported.error().message.find("already expired at 2024-07-03T12:00:00+00:00"), std::string::npos)
        << imported.error().message;
}

TEST(CapImport, MapsTheFieldsOfASmallAlert) {
    CapText t;
    t.description = "A man &amp; his dog";
    auto imported = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_TRUE(imported) << imported.error().message;
    EXPECT_EQ(imported->kind, core::AlertKind::kDrowning);  // yihu's own event text
    EXPECT_EQ(imported->title, "Person in the water at Daming Lake");
    EXPECT_EQ(imported->description, "A man & his dog");
    EXPECT_EQ(imported->sent, parse_cap_time("2026-12-02T00:00:00+00:00").value());
    EXPECT_FALSE(imported->exercise);
    ASSERT_TRUE(imported->area.has_value());
    const core::geo::Circle* circle = imported->area->circle();
    ASSERT_NE(circle, nullptr);
    EXPECT_DOUBLE_EQ(circle->radius_m(), 1500.0);
    EXPECT_DOUBLE_EQ(imported->center.lat, 36.675);
    EXPECT_DOUBLE_EQ(imported->center.lon, 117.02);
}

TEST(CapImport, SeveralAreasPolygonsAndCirclesBecomeOneUnion) {
    CapText t;
    t.areas = {
        "<area><areaDesc>North</areaDesc><polygon>36.7,117.0 36.7,117.1 36.8,117.1 36.8,117.0 36.7,117.0</polygon>"
        "<polygon>36.9,117.0 36.9,117.1 37.0,117.1</polygon><circle>36.5,117.5 2</circle></area>",
        "<area><areaDesc>South</areaDesc><circle>36.0,117.0 0.5</circle></area>"};
    auto imported = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_TRUE(imported->area.has_value());
    const core::geo::AreaUnion* shapes = imported->area->shapes();
    ASSERT_NE(shapes, nullptr);
    EXPECT_EQ(shapes->part_count(), 4u);
    EXPECT_TRUE(imported->area->contains(LatLng{36.75, 117.05}));
    EXPECT_TRUE(imported->area->contains(LatLng{36.95, 117.06}));  // the second ring, closed for its sender
    EXPECT_TRUE(imported->area->contains(LatLng{36.5, 117.5}));
    EXPECT_TRUE(imported->area->contains(LatLng{36.0, 117.0}));
    EXPECT_FALSE(imported->area->contains(LatLng{36.3, 117.3}));
    EXPECT_EQ(imported->area_description, "North; South");
}

TEST(CapImport, GeocodeOnlyAreasResolveThroughTheTableOrAreRefused) {
    CapText t;
    t.areas = {
        "<area><areaDesc>Laiwu</areaDesc><geocode><valueName>GB2260</valueName><value>371202</value></geocode>"
        "</area>"};
    auto refused = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("GB2260=371202"), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("geocode table"), std::string::npos);

    CapImportConfig config;
    config.geocodes.add({"GB2260", "371202", {core::geo::Circle::make({36.2, 117.67}, 20'000).value()}, {}});
    auto imported = import_cap(t.xml(), config, kNow);
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_TRUE(imported->area.has_value());
    EXPECT_TRUE(imported->area->contains(LatLng{36.2, 117.67}));
    EXPECT_FALSE(imported->area->contains(LatLng{36.675, 117.02}));
}

TEST(CapImport, KindComesFromTheConfiguredTable) {
    CapText t;
    t.category = "Met";
    t.event = "Flood";
    CapImportConfig config;
    config.kinds = KindTable({{"", "flood", "Immediate", core::AlertKind::kGeneral}});
    auto imported = import_cap(t.xml(), config, kNow);
    ASSERT_TRUE(imported) << imported.error().message;
    EXPECT_EQ(imported->kind, core::AlertKind::kGeneral);  // event compared without case
    t.urgency = "Expected";
    auto refused = import_cap(t.xml(), config, kNow);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("no alert kind is configured for category Met, event 'Flood'"),
              std::string::npos)
        << refused.error().message;
    EXPECT_EQ(import_cap(t.xml(), CapImportConfig{}, kNow)->kind, core::AlertKind::kDisaster);
}

TEST(CapImport, OnlyActualAndExerciseMessagesAlertAnyone) {
    CapText t;
    t.status = "Exercise";
    auto exercise = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_TRUE(exercise) << exercise.error().message;
    EXPECT_TRUE(exercise->exercise);
    for (const char* status : {"Test", "System", "Draft"}) {
        t.status = status;
        auto refused = import_cap(t.xml(), CapImportConfig{}, kNow);
        ASSERT_FALSE(refused) << status;
        EXPECT_NE(refused.error().message.find(std::string("status ") + status + " is not imported"),
                  std::string::npos);
    }
    t.status = "Actual";
    t.msg_type = "Ack";
    t.references = "alerts@jinan.example.cn,msg-0,2026-12-02T07:00:00+08:00";
    EXPECT_FALSE(import_cap(t.xml(), CapImportConfig{}, kNow));
}

TEST(CapImport, UpdateAndCancelNeedReferences) {
    CapText t;
    t.msg_type = "Update";
    auto refused = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("must carry <references>"), std::string::npos);
    t.references = "alerts@jinan.example.cn,msg-0,2026-12-02T07:00:00+08:00 other,x,2026-12-01T07:00:00+08:00";
    auto update = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_TRUE(update) << update.error().message;
    ASSERT_EQ(update->references.size(), 2u);
    EXPECT_EQ(update->references[0].key.identifier, "msg-0");
    EXPECT_EQ(update->references[1].key.sender, "other");
    t.msg_type = "Cancel";
    t.with_info = false;
    t.note = "Found safe";
    auto cancel = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_TRUE(cancel) << cancel.error().message;
    EXPECT_EQ(cancel->type, CapMsgType::kCancel);
    EXPECT_EQ(cancel->note, "Found safe");
    t.references = "only,two";
    EXPECT_FALSE(import_cap(t.xml(), CapImportConfig{}, kNow));
}

TEST(CapImport, SchemaInvalidDocumentsGiveTheValidatorsReason) {
    CapText t;
    t.msg_type = "Alarm";
    auto bad_enum = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_FALSE(bad_enum);
    EXPECT_EQ(bad_enum.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(bad_enum.error().message.find("not valid CAP 1.2"), std::string::npos) << bad_enum.error().message;
    EXPECT_NE(bad_enum.error().message.find("msgType"), std::string::npos) << bad_enum.error().message;
    EXPECT_NE(bad_enum.error().message.find("Alarm"), std::string::npos) << bad_enum.error().message;

    t.msg_type = "Alert";
    t.sent = "2026-12-02T08:00:00Z";  // CAP wants a numeric offset
    auto bad_time = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_FALSE(bad_time);
    EXPECT_NE(bad_time.error().message.find("sent"), std::string::npos) << bad_time.error().message;

    std::string no_sender = CapText{}.xml();
    no_sender.erase(no_sender.find("<sender>"), no_sender.find("</sender>") + 9 - no_sender.find("<sender>"));
    auto missing = import_cap(no_sender, CapImportConfig{}, kNow);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("sender"), std::string::npos) << missing.error().message;

    auto wrong_namespace =
        import_cap("<alert xmlns=\"urn:example\"><identifier>x</identifier></alert>", CapImportConfig{}, kNow);
    ASSERT_FALSE(wrong_namespace);
    EXPECT_NE(wrong_namespace.error().message.find("not valid CAP 1.2"), std::string::npos);
}

TEST(CapImport, BadShapesAreRefusedNamingTheArea) {
    CapText t;
    t.areas = {"<area><areaDesc>Lake</areaDesc><polygon>36.7,117.0 36.7;117.1 36.8,117.1 36.7,117.0</polygon></area>"};
    auto bad_pair = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_FALSE(bad_pair);
    EXPECT_NE(bad_pair.error().message.find("area 1 ('Lake')"), std::string::npos) << bad_pair.error().message;
    EXPECT_NE(bad_pair.error().message.find("coordinate pair 2"), std::string::npos) << bad_pair.error().message;
    t.areas = {"<area><areaDesc>Far</areaDesc><circle>95,117.0 1</circle></area>"};
    auto out_of_range = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_FALSE(out_of_range);
    EXPECT_EQ(out_of_range.error().code, core::ErrorCode::kLatitudeOutOfRange);
    t.areas = {};
    auto no_area = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_FALSE(no_area);
    EXPECT_NE(no_area.error().message.find("no <area>"), std::string::npos);
}

TEST(CapImport, ChoosesTheInfoInThePreferredLanguage) {
    CapText t;
    std::string xml = t.xml();
    const std::string english =
        "<info><language>en-US</language><category>Met</category><event>Storm</event><urgency>Expected</urgency>"
        "<severity>Minor</severity><certainty>Likely</certainty><headline>Storm</headline>"
        "<area><areaDesc>Jinan</areaDesc><circle>36.6,117.0 10</circle></area></info>";
    xml.insert(xml.find("<info>"), english);
    auto chinese = import_cap(xml, CapImportConfig{}, kNow);
    ASSERT_TRUE(chinese) << chinese.error().message;
    EXPECT_EQ(chinese->title, "Person in the water at Daming Lake");
    CapImportConfig english_first;
    english_first.languages = {"en"};
    auto picked = import_cap(xml, english_first, kNow);
    ASSERT_TRUE(picked) << picked.error().message;
    EXPECT_EQ(picked->title, "Storm");
    EXPECT_EQ(picked->kind, core::AlertKind::kDisaster);
}

}  // namespace
}  // namespace yihu::federation
