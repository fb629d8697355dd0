// CAP 1.2 over HTTP on a real node (docs/federation.md): export of an alert's versions, the Atom feed, and imports
// (create, repeat, Update, Cancel, refusals), with the CAP book kept across a restart.

#include <algorithm>
#include <fstream>
#include <sstream>

#include "federation/cap_reader.h"
#include "federation/cap_text.h"
#include "federation/cap_time.h"
#include "node_harness.h"
#include "support/cap_sample.h"

namespace yihu::testing {
namespace {

constexpr std::string_view kCapXml = "application/cap+xml";

// A CAP time `offset` from now (the node runs on the real clock).
std::string cap_time_from_now(std::chrono::seconds offset) {
    const auto now = std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
    return federation::format_cap_time(now + offset);
}

// A Drowning alert from Jinan's CAP sender, expiring in two hours.
CapText drowning_cap(std::string identifier = "msg-1") {
    CapText t;
    t.identifier = std::move(identifier);
    t.sent = cap_time_from_now(std::chrono::seconds{-60});
    t.expires = cap_time_from_now(std::chrono::hours{2});
    return t;
}

// A later message of the same sender: an Update or Cancel sent `ago` before now, referencing `previous`.
CapText follow_up(std::string identifier, const std::string& type, std::chrono::seconds ago, const CapText& previous) {
    CapText t = drowning_cap(std::move(identifier));
    t.msg_type = type;
    t.sent = cap_time_from_now(-ago);
    t.references = previous.sender + "," + previous.identifier + "," + previous.sent;
    return t;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
}

class CapRoutesTest : public NodeTest {
  protected:
    client::HttpClient::Reply post_cap(const std::string& xml, const std::string& token = "",
                                       std::string_view content_type = kCapXml) {
        return http_->request("POST", "/v1/cap/alerts", xml, token.empty() ? dispatcher_ : token,
                              std::chrono::seconds{10}, content_type);
    }
    v1::Alert alert_of(const client::HttpClient::Reply& r) {
        v1::Alert a;
        EXPECT_TRUE(api::parse_json(r.body, a).ok()) << r.body;
        return a;
    }
    v1::Alert get(const std::string& id) {
        auto r = call("GET", "/v1/alerts/" + id);
        EXPECT_EQ(r.status, 200u) << r.body;
        v1::AlertDetail d;
        EXPECT_TRUE(api::parse_json(r.body, d).ok()) << r.body;
        return d.alert();
    }
    // GET /v1/alerts/{id}/cap, checked to be schema-valid CAP 1.2 (in-process OASIS validator).
    federation::CapMessage exported(const std::string& id) {
        auto r = call("GET", "/v1/alerts/" + id + "/cap");
        EXPECT_EQ(r.status, 200u) << r.body;
        EXPECT_EQ(r.headers["content-type"], kCapXml);
        auto message = federation::read_cap(r.body, federation::CapLimits{.max_bytes = 64 << 20});
        EXPECT_TRUE(message) << (message ? "" : message.error().message);
        return message ? *message : federation::CapMessage{};
    }
};

TEST_F(CapRoutesTest, CapExportOfAnAlertsVersionsIsValidAlertThenUpdateThenCancel) {
    const v1::Alert created = create(drowning_json());
    const federation::CapMessage first = exported(created.id());
    EXPECT_EQ(first.msg_type, "Alert");
    EXPECT_EQ(first.identifier, created.id());
    EXPECT_TRUE(first.references.empty());
    ASSERT_EQ(first.infos.size(), 1u);
    EXPECT_EQ(first.infos[0].event, "Drowning");
    ASSERT_EQ(first.infos[0].areas.size(), 1u);
    EXPECT_EQ(first.infos[0].areas[0].circles.size(), 1u) << "no fixed area: the ring in force, as a circle";

    auto patched = call("PATCH", "/v1/alerts/" + created.id(), R"({"title":"Drowning, north shore"})");
    ASSERT_EQ(patched.status, 200u) << patched.body;
    const federation::CapMessage update = exported(created.id());
    EXPECT_EQ(update.msg_type, "Update");
    EXPECT_EQ(update.identifier, created.id() + ".v2");
    EXPECT_EQ(update.references, first.sender + "," + created.id() + "," + first.sent);
    ASSERT_EQ(update.infos.size(), 1u);
    EXPECT_EQ(update.infos[0].headline, "Drowning, north shore");

    ASSERT_EQ(call("POST", "/v1/alerts/" + created.id() + ":cancel", R"({"reason":"False alarm"})").status, 200u);
    const federation::CapMessage cancel = exported(created.id());
    EXPECT_EQ(cancel.msg_type, "Cancel");
    EXPECT_EQ(cancel.references, first.sender + "," + created.id() + "," + first.sent);
    EXPECT_EQ(cancel.note, "False alarm");

    auto missing = call("GET", "/v1/alerts/dongguan-999/cap");
    EXPECT_EQ(missing.status, 404u) << missing.body;
    EXPECT_NE(missing.body.find("ERROR_CODE_NOT_FOUND"), std::string::npos) << "errors stay JSON: " << missing.body;
}

TEST_F(CapRoutesTest, CapFeedListsTheActiveAlertsLinkingTheirCapDocuments) {
    const v1::Alert open = create(drowning_json());
    const v1::Alert closed = create(drowning_json());
    ASSERT_EQ(call("POST", "/v1/alerts/" + closed.id() + ":resolve", "{}").status, 200u);

    auto r = call("GET", "/v1/cap/feed");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.headers["content-type"], "application/atom+xml");
    EXPECT_NE(r.body.find("<feed xmlns=\"http://www.w3.org/2005/Atom\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("href=\"/v1/alerts/" + open.id() + "/cap\""), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("/v1/alerts/" + closed.id() + "/cap"), std::string::npos) << "closed alerts leave the feed";
    std::size_t entries = 0;
    for (auto at = r.body.find("<entry>"); at != std::string::npos; at = r.body.find("<entry>", at + 1)) ++entries;
    EXPECT_EQ(entries, 1u);

    // The feed is for dispatchers and peers; a volunteer's token is refused.
    auto volunteer = http_->request("GET", "/v1/cap/feed", {}, volunteer_token("v-1"));
    EXPECT_EQ(volunteer.status, 403u) << volunteer.body;
    EXPECT_NE(volunteer.body.find("dispatcher or peer"), std::string::npos) << volunteer.body;
}

TEST_F(CapRoutesTest, CapImportCreatesOnceThenUpdatesAndCancelsAcrossARestart) {
    CapText alert = drowning_cap("msg-1");
    auto r = post_cap(alert.xml());
    ASSERT_EQ(r.status, 201u) << r.body;
    const v1::Alert created = alert_of(r);
    EXPECT_EQ(r.headers["location"], "/v1/alerts/" + created.id());
    EXPECT_EQ(created.kind(), v1::ALERT_KIND_DROWNING);
    EXPECT_EQ(created.title(), "Person in the water at Daming Lake");

    auto again = post_cap(alert.xml());
    ASSERT_EQ(again.status, 200u) << again.body;
    EXPECT_EQ(alert_of(again).id(), created.id()) << "the same sender and identifier is one alert";

    restart();  // the CAP book comes back from the store

    auto repeat = post_cap(alert.xml());
    ASSERT_EQ(repeat.status, 200u) << repeat.body;
    EXPECT_EQ(alert_of(repeat).id(), created.id());

    CapText update = follow_up("msg-2", "Update", std::chrono::seconds{30}, alert);
    update.headline = "Person in the water, east shore";
    auto updated = post_cap(update.xml());
    ASSERT_EQ(updated.status, 200u) << updated.body;
    EXPECT_EQ(alert_of(updated).id(), created.id());
    EXPECT_EQ(get(created.id()).title(), "Person in the water, east shore");
    EXPECT_EQ(get(created.id()).version(), 2u);

    // An older Update than the one applied changes nothing.
    CapText stale = follow_up("msg-0", "Update", std::chrono::seconds{45}, alert);
    stale.headline = "Old news";
    ASSERT_EQ(post_cap(stale.xml()).status, 200u);
    EXPECT_EQ(get(created.id()).title(), "Person in the water, east shore");

    restart();

    // A Cancel may reference any message of the chain (here the Update).
    CapText cancel = follow_up("msg-3", "Cancel", std::chrono::seconds{10}, update);
    cancel.note = "He was pulled out";
    auto cancelled = post_cap(cancel.xml());
    ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
    EXPECT_EQ(get(created.id()).state(), v1::ALERT_STATE_CANCELLED);

    restart();

    auto refused = post_cap(follow_up("msg-4", "Update", std::chrono::seconds{5}, alert).xml());
    EXPECT_EQ(refused.status, 409u) << "the book remembers the Cancel: " << refused.body;

    CapText someone_else = alert;
    someone_else.sender = "someone-else";
    CapText orphan = follow_up("msg-5", "Cancel", std::chrono::seconds{1}, someone_else);
    EXPECT_EQ(post_cap(orphan.xml()).status, 404u) << "another sender's message is never followed";
}

TEST_F(CapRoutesTest, CapImportRefusesWithTheReason) {
    CapText invalid = drowning_cap();
    invalid.msg_type = "Alarm";
    auto r = post_cap(invalid.xml());
    EXPECT_EQ(r.status, 400u);
    EXPECT_NE(r.body.find("not valid CAP 1.2"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("Alarm"), std::string::npos) << "the validator's reason: " << r.body;

    CapText expired = drowning_cap();
    expired.expires = cap_time_from_now(std::chrono::seconds{-1});
    r = post_cap(expired.xml());
    EXPECT_EQ(r.status, 400u);
    EXPECT_NE(r.body.find("already expired"), std::string::npos) << r.body;

    CapText geocode_only = drowning_cap();
    geocode_only.areas = {
        "<area><areaDesc>Laiwu</areaDesc><geocode><valueName>GB2260</valueName><value>371202</value></geocode></area>"};
    r = post_cap(geocode_only.xml());
    EXPECT_EQ(r.status, 400u);
    EXPECT_NE(r.body.find("geocode table"), std::string::npos) << r.body;

    r = post_cap(drowning_cap().xml(), "", "application/json");
    EXPECT_EQ(r.status, 400u);
    EXPECT_NE(r.body.find("application/cap+xml"), std::string::npos) << r.body;

    r = post_cap("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><alert/>");
    EXPECT_EQ(r.status, 400u) << r.body;

    r = post_cap(drowning_cap().xml(), volunteer_token("v-1"));
    EXPECT_EQ(r.status, 403u) << r.body;

    auto list = call("GET", "/v1/alerts");
    ASSERT_EQ(list.status, 200u);
    v1::ListAlertsResponse alerts;
    ASSERT_TRUE(api::parse_json(list.body, alerts).ok());
    EXPECT_EQ(alerts.alerts_size(), 0) << "nothing refused became an alert";
}

TEST_F(CapRoutesTest, CapImportUsesTheConfiguredKindAndGeocodeTablesAndTakesPeerTokens) {
    restart([](ops::Config& c) {
        auto cap = federation::parse_cap_settings(R"(
[cap]
sender = "yihu.laiwu.example.cn"
[[cap.kind]]
category = "Met"
event = "Flood"
kind = "drowning"
[[cap.geocode]]
value_name = "GB2260"
value = "371202"
circles = ["36.2,117.67 20"]
)");
        ASSERT_TRUE(cap) << cap.error().message;
        c.cap = *cap;
    });
    CapText flood = drowning_cap("flood-1");
    flood.category = "Met";
    flood.event = "Flood";
    flood.areas = {
        "<area><areaDesc>Laiwu</areaDesc><geocode><valueName>GB2260</valueName><value>371202</value></geocode></area>"};
    const std::string peer = mint(node_->token_secret(), api::Role::kPeer, "jinan");
    auto r = post_cap(flood.xml(), peer);
    ASSERT_EQ(r.status, 201u) << r.body;
    const v1::Alert a = alert_of(r);
    EXPECT_EQ(a.kind(), v1::ALERT_KIND_DROWNING) << "the configured rule, before the default Met -> disaster";
    ASSERT_TRUE(a.area().has_circle()) << a.DebugString();
    EXPECT_DOUBLE_EQ(a.area().circle().radius_m(), 20'000);

    const federation::CapMessage out = exported(a.id());
    EXPECT_EQ(out.sender, "yihu.laiwu.example.cn");
}

TEST_F(CapRoutesTest, CapImportOfTheNationalSampleMatchesAndExportsItsPolygon) {
    std::string xml = read_file(test_data("cap/sample-met-alert.xml"));
    ASSERT_GT(xml.size(), 800'000u);
    // The sample expired in 2024; its expiry moves to tomorrow so the real clock accepts it.
    const std::string old_expiry = "<expires>2024-07-03T12:00:00+00:00</expires>";
    const auto at = xml.find(old_expiry);
    ASSERT_NE(at, std::string::npos);
    xml.replace(at, old_expiry.size(), "<expires>" + cap_time_from_now(std::chrono::hours{24}) + "</expires>");

    auto ouagadougou = phone("v-ouaga", core::geo::LatLng{12.37, -1.52});
    auto accra = phone("v-accra", core::geo::LatLng{5.60, -0.19});
    auto r = post_cap(xml);
    ASSERT_EQ(r.status, 201u) << r.body.substr(0, 500);
    const v1::Alert a = alert_of(r);
    EXPECT_EQ(a.kind(), v1::ALERT_KIND_DISASTER);

    auto push = ouagadougou->next_of(v1::ServerMessage::kAlert, 10s);
    ASSERT_TRUE(push.has_value()) << "a volunteer inside the polygon is alerted";
    EXPECT_EQ(push->alert().alert_id(), a.id());
    // The broadcast reached Ouagadougou; Accra, outside, is not among the recipients.
    auto recipients = call("GET", "/v1/alerts/" + a.id() + "/recipients");
    ASSERT_EQ(recipients.status, 200u) << recipients.body;
    EXPECT_NE(recipients.body.find("v-ouaga"), std::string::npos);
    EXPECT_EQ(recipients.body.find("v-accra"), std::string::npos);

    const federation::CapMessage out = exported(a.id());
    ASSERT_EQ(out.infos.size(), 1u);
    ASSERT_EQ(out.infos[0].areas.size(), 1u);
    ASSERT_EQ(out.infos[0].areas[0].polygons.size(), 1u);
    const std::string& ring = out.infos[0].areas[0].polygons[0];
    EXPECT_GT(std::count(ring.begin(), ring.end(), ','), 40'000) << "every vertex goes out again";
}

}  // namespace
}  // namespace yihu::testing
