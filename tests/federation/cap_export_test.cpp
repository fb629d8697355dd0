// CAP 1.2 export: every alert kind, state and shape is valid against the OASIS schema (libxml2's validator in
// process, and xmllint once), reads back through the importer to the same alert, and the Atom feed links each alert
// to its CAP document.

#include "federation/cap_export.h"

#include <gtest/gtest.h>
#include <libxml/tree.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "federation/atom_feed.h"
#include "federation/cap_import.h"
#include "federation/cap_schema.h"
#include "federation/cap_time.h"
#include "federation/cap_xml.h"
#include "support/cap_sample.h"
#include "support/temp_dir.h"

namespace yihu::federation {
namespace {

using core::geo::LatLng;

const core::Time kCreated = parse_cap_time("2026-12-02T08:00:00+08:00").value();
const CapExportOptions kOptions{"yihu.jinan.example.cn", "Jinan volunteer dispatch", "zh-CN",
                                "https://yihu.jinan.example.cn"};

void set_time(core::Time t, google::protobuf::Timestamp* out) {
    out->set_seconds(core::to_ms(t) / 1000);
}

void add_ring(v1::Polygon* p, std::vector<LatLng> ring) {
    for (LatLng v : ring) {
        v1::LatLng* q = p->add_ring();
        q->set_latitude(v.lat);
        q->set_longitude(v.lon);
    }
}

enum class Shape { kNone, kCircle, kPolygon, kShapes };

v1::Alert make_alert(v1::AlertKind kind, Shape shape, std::uint64_t version, v1::AlertState state) {
    v1::Alert a;
    a.set_id("jinan-42");
    a.set_origin("jinan");
    a.set_version(version);
    a.set_kind(kind);
    a.set_state(state);
    a.mutable_center()->set_latitude(36.675);
    a.mutable_center()->set_longitude(117.02);
    a.set_current_radius_m(1500);
    a.set_title("Missing: man, 78, blue jacket <Daming Lake> & \"north gate\"");
    a.set_description("Last seen at 07:30.\nWalks with a stick.");
    a.set_instruction("Do not approach; report sightings");
    set_time(kCreated, a.mutable_created_at());
    set_time(kCreated + std::chrono::minutes(10 * static_cast<int>(version - 1)), a.mutable_updated_at());
    set_time(kCreated + std::chrono::hours(6), a.mutable_expires_at());
    if (state != v1::ALERT_STATE_ACTIVE) a.set_closing_note("Found safe. Thank you all.");
    const std::vector<LatLng> square{{36.6, 117.0}, {36.6, 117.1}, {36.7, 117.1}, {36.7, 117.0}, {36.6, 117.0}};
    switch (shape) {
        case Shape::kNone:
            break;
        case Shape::kCircle:
            a.mutable_area()->mutable_circle()->mutable_center()->set_latitude(36.675);
            a.mutable_area()->mutable_circle()->mutable_center()->set_longitude(117.02);
            a.mutable_area()->mutable_circle()->set_radius_m(2500);
            break;
        case Shape::kPolygon:
            add_ring(a.mutable_area()->mutable_polygon(), square);
            break;
        case Shape::kShapes: {
            v1::Shapes* s = a.mutable_area()->mutable_shapes();
            add_ring(s->add_polygons(), square);
            v1::Circle* c = s->add_circles();
            c->mutable_center()->set_latitude(36.2);
            c->mutable_center()->set_longitude(117.67);
            c->set_radius_m(800);
            break;
        }
    }
    return a;
}

core::Status schema_valid(const std::string& xml) {
    auto doc = parse_untrusted_xml(xml, CapLimits{});
    if (!doc) return doc.error();
    return CapSchema::instance().validate(doc->get());
}

TEST(CapExport, EveryKindStateAndShapeIsValidAgainstTheOasisSchema) {
    int checked = 0;
    for (int k = v1::ALERT_KIND_MISSING_PERSON; k <= v1::ALERT_KIND_GENERAL; ++k) {
        for (Shape shape : {Shape::kNone, Shape::kCircle, Shape::kPolygon, Shape::kShapes}) {
            for (auto [version, state] :
                 {std::pair{1, v1::ALERT_STATE_ACTIVE}, std::pair{3, v1::ALERT_STATE_ACTIVE},
                  std::pair{4, v1::ALERT_STATE_RESOLVED_FOUND}, std::pair{2, v1::ALERT_STATE_CANCELLED},
                  std::pair{5, v1::ALERT_STATE_EXPIRED}}) {
                v1::Alert a =
                    make_alert(static_cast<v1::AlertKind>(k), shape, static_cast<std::uint64_t>(version), state);
                if (k == v1::ALERT_KIND_SUSPECT) a.set_exercise(true);
                auto xml = to_cap_xml(a, kOptions);
                ASSERT_TRUE(xml) << xml.error().message;
                core::Status valid = schema_valid(*xml);
                ASSERT_TRUE(valid) << "kind " << k << " version " << version << ": " << valid.error().message << "\n"
                                   << *xml;
                ++checked;
            }
        }
    }
    EXPECT_EQ(checked, 6 * 4 * 5);
}

TEST(CapExport, MessageTypeReferencesAndFieldsFollowTheAlertsVersionAndState) {
    auto first = to_cap_xml(make_alert(v1::ALERT_KIND_DROWNING, Shape::kCircle, 1, v1::ALERT_STATE_ACTIVE), kOptions);
    ASSERT_TRUE(first);
    EXPECT_NE(first->find("<identifier>jinan-42</identifier>"), std::string::npos);
    EXPECT_NE(first->find("<msgType>Alert</msgType>"), std::string::npos);
    EXPECT_EQ(first->find("<references>"), std::string::npos);
    EXPECT_NE(first->find("<sent>2026-12-02T00:00:00+00:00</sent>"), std::string::npos);
    EXPECT_NE(first->find("<circle>36.675,117.02 2.5</circle>"), std::string::npos);
    EXPECT_NE(first->find("<event>Drowning</event>"), std::string::npos);
    EXPECT_NE(first->find("&lt;Daming Lake&gt; &amp; &quot;north gate&quot;"), std::string::npos);

    auto update = to_cap_xml(make_alert(v1::ALERT_KIND_DROWNING, Shape::kCircle, 3, v1::ALERT_STATE_ACTIVE), kOptions);
    ASSERT_TRUE(update);
    EXPECT_NE(update->find("<identifier>jinan-42.v3</identifier>"), std::string::npos);
    EXPECT_NE(update->find("<msgType>Update</msgType>"), std::string::npos);
    EXPECT_NE(update->find("<sent>2026-12-02T00:20:00+00:00</sent>"), std::string::npos);
    EXPECT_NE(update->find("<references>yihu.jinan.example.cn,jinan-42,2026-12-02T00:00:00+00:00</references>"),
              std::string::npos);

    auto cancel =
        to_cap_xml(make_alert(v1::ALERT_KIND_DROWNING, Shape::kNone, 4, v1::ALERT_STATE_RESOLVED_FOUND), kOptions);
    ASSERT_TRUE(cancel);
    EXPECT_NE(cancel->find("<msgType>Cancel</msgType>"), std::string::npos);
    EXPECT_NE(cancel->find("<note>Found safe. Thank you all.</note>"), std::string::npos);
    EXPECT_NE(cancel->find("<circle>36.675,117.02 1.5</circle>"), std::string::npos);  // the ring in force
}

TEST(CapExport, ReadsBackThroughTheImporterToTheSameAlert) {
    for (Shape shape : {Shape::kCircle, Shape::kPolygon, Shape::kShapes}) {
        for (int k = v1::ALERT_KIND_MISSING_PERSON; k <= v1::ALERT_KIND_GENERAL; ++k) {
            const v1::Alert a = make_alert(static_cast<v1::AlertKind>(k), shape, 1, v1::ALERT_STATE_ACTIVE);
            auto xml = to_cap_xml(a, kOptions);
            ASSERT_TRUE(xml);
            auto back = import_cap(*xml, CapImportConfig{}, kCreated);
            ASSERT_TRUE(back) << back.error().message;
            EXPECT_EQ(static_cast<int>(back->kind) + 1, k);  // the proto's kinds are the core's plus one
            EXPECT_EQ(back->key.identifier, "jinan-42");
            EXPECT_EQ(back->title, a.title());
            EXPECT_EQ(back->description, a.description());
            EXPECT_EQ(back->instruction, a.instruction());
            ASSERT_TRUE(back->expires.has_value());
            EXPECT_EQ(*back->expires, kCreated + std::chrono::hours(6));
            ASSERT_TRUE(back->area.has_value());
            EXPECT_TRUE(back->area->contains(LatLng{36.66, 117.03}));
            EXPECT_EQ(back->area->contains(LatLng{36.2, 117.67}), shape == Shape::kShapes);
        }
    }
}

TEST(CapExport, TheNationalSampleSurvivesImportAndExportVertexForVertex) {
    std::ifstream in(testing::test_data("cap/sample-met-alert.xml"), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    const core::Time before_expiry = parse_cap_time("2024-07-02T21:00:00+00:00").value();
    auto imported = import_cap(buf.str(), CapImportConfig{}, before_expiry);
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_TRUE(imported->area.has_value());
    ASSERT_NE(imported->area->polygon(), nullptr);
    v1::Alert a = make_alert(v1::ALERT_KIND_DISASTER, Shape::kNone, 1, v1::ALERT_STATE_ACTIVE);
    set_time(parse_cap_time("2024-07-02T20:10:00+00:00").value(), a.mutable_created_at());
    set_time(*imported->expires, a.mutable_expires_at());
    add_ring(a.mutable_area()->mutable_polygon(), imported->area->polygon()->ring());
    auto xml = to_cap_xml(a, kOptions);
    ASSERT_TRUE(xml);
    ASSERT_TRUE(schema_valid(*xml));
    auto again = import_cap(*xml, CapImportConfig{}, before_expiry);
    ASSERT_TRUE(again) << again.error().message;
    ASSERT_NE(again->area->polygon(), nullptr);
    EXPECT_EQ(again->area->polygon()->ring(),
              imported->area->polygon()->ring());  // shortest decimals read back exactly
}

TEST(CapExport, XmllintAgreesWithTheInProcessValidator) {
    testing::TempDir dir;
    const std::string good = (dir.path() / "alert.xml").string();
    const std::string bad = (dir.path() / "bad.xml").string();
    auto xml =
        to_cap_xml(make_alert(v1::ALERT_KIND_MISSING_CHILD, Shape::kShapes, 2, v1::ALERT_STATE_ACTIVE), kOptions);
    ASSERT_TRUE(xml);
    std::ofstream(good) << *xml;
    std::string broken = *xml;
    broken.replace(broken.find("<msgType>Update</msgType>"), 25, "<msgType>Alarm</msgType>");
    std::ofstream(bad) << broken;
    const std::string lint = std::string(YIHU_XMLLINT) + " --noout --nonet --schema " + YIHU_CAP_XSD + " ";
    EXPECT_EQ(std::system((lint + good + " 2>/dev/null").c_str()), 0);
    EXPECT_NE(std::system((lint + bad + " 2>/dev/null").c_str()), 0);
    EXPECT_FALSE(schema_valid(broken));
}

TEST(CapExport, AtomFeedHasOneEntryPerAlertLinkingToItsCapDocument) {
    std::vector<v1::Alert> alerts;
    alerts.push_back(make_alert(v1::ALERT_KIND_DROWNING, Shape::kCircle, 1, v1::ALERT_STATE_ACTIVE));
    alerts.push_back(make_alert(v1::ALERT_KIND_MISSING_PERSON, Shape::kNone, 3, v1::ALERT_STATE_ACTIVE));
    alerts.back().set_id("jinan-43");
    const std::string feed = to_atom_feed(alerts, {"https://yihu.jinan.example.cn", "Jinan alerts", "Jinan"}, kCreated);
    auto doc = parse_untrusted_xml(feed, CapLimits{});
    ASSERT_TRUE(doc) << doc.error().message;
    const xmlNode* root = xmlDocGetRootElement(doc->get());
    ASSERT_NE(root, nullptr);
    EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "feed");
    EXPECT_STREQ(reinterpret_cast<const char*>(root->ns->href), "http://www.w3.org/2005/Atom");
    std::vector<std::string> links;
    for (const xmlNode* e = root->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE || std::string(reinterpret_cast<const char*>(e->name)) != "entry") continue;
        for (const xmlNode* c = e->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && std::string(reinterpret_cast<const char*>(c->name)) == "link") {
                xmlChar* href = xmlGetProp(c, reinterpret_cast<const xmlChar*>("href"));
                xmlChar* type = xmlGetProp(c, reinterpret_cast<const xmlChar*>("type"));
                EXPECT_STREQ(reinterpret_cast<const char*>(type), "application/cap+xml");
                links.emplace_back(reinterpret_cast<const char*>(href));
                xmlFree(href);
                xmlFree(type);
            }
        }
    }
    EXPECT_EQ(links, (std::vector<std::string>{"https://yihu.jinan.example.cn/v1/alerts/jinan-42/cap",
                                               "https://yihu.jinan.example.cn/v1/alerts/jinan-43/cap"}));
    EXPECT_NE(feed.find("<updated>2026-12-02T00:20:00+00:00</updated>"), std::string::npos);  // the latest entry
}

}  // namespace
}  // namespace yihu::federation
