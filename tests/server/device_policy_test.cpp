// Devices do what the API says: PUT stores the whole device (defaults filled in) and GET returns it, across a
// restart, on SQLite and on a real redis-server; fields the server does not act on are refused by name; a trigger's
// kind, details and position shape the alert it raises (docs/api.md, "Devices").

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "backend_node_test.h"
#include "yihu/v1/commands.pb.h"

namespace yihu::testing {
namespace {

using google::protobuf::util::MessageDifferencer;

class DevicePolicyTest : public BackendNodeTest {
  protected:
    v1::Device get_device(const std::string& id) {
        auto r = call("GET", "/v1/devices/" + id);
        EXPECT_EQ(r.status, 200u) << r.body;
        v1::Device d;
        EXPECT_TRUE(api::parse_json(r.body, d).ok()) << r.body;
        return d;
    }

    client::HttpClient::Reply trigger(const std::string& id, const std::string& body) {
        return http_->request("POST", "/v1/devices/" + id + "/trigger", body,
                              mint(node_->token_secret(), api::Role::kDevice, id));
    }
};

// Every field of Device and DevicePolicy this server supports, set to something other than its default.
constexpr const char* kBracelet = R"({
  "name": "Bracelet: Mr Zhang, 81",
  "position": {"location": {"latitude": 22.93, "longitude": 113.89}, "accuracyM": 8},
  "kind": "DEVICE_KIND_BRACELET",
  "policy": {
    "alertKind": "ALERT_KIND_MISSING_PERSON",
    "title": "Wandered off: {name}",
    "requiredSkills": ["first_aid"],
    "minTier": "TIER_REGISTERED",
    "teams": ["tangxia-3"],
    "respondersWanted": 4,
    "alertPolicy": {"maxRecipients": 7, "nearestFirst": true, "roles": ["lead"], "overAlertFactor": 2.5},
    "autoCreate": true
  }
})";

std::string location_json(core::geo::LatLng p) {
    return R"({"location":{"latitude":)" + std::to_string(p.lat) + R"(,"longitude":)" + std::to_string(p.lon) + "}}";
}

TEST_P(DevicePolicyTest, EveryFieldIsStoredReturnedAndKeptAcrossARestart) {
    auto put = call("PUT", "/v1/devices/bracelet-1", kBracelet);
    ASSERT_EQ(put.status, 200u) << put.body;
    v1::Device want;
    ASSERT_TRUE(api::parse_json(kBracelet, want).ok());
    want.set_id("bracelet-1");
    v1::Device answered;
    ASSERT_TRUE(api::parse_json(put.body, answered).ok()) << put.body;
    EXPECT_TRUE(MessageDifferencer::Equals(answered, want)) << answered.DebugString();
    EXPECT_TRUE(MessageDifferencer::Equals(get_device("bracelet-1"), want));

    restart_node();
    EXPECT_TRUE(MessageDifferencer::Equals(get_device("bracelet-1"), want)) << get_device("bracelet-1").DebugString();
    auto list = call("GET", "/v1/devices");
    ASSERT_EQ(list.status, 200u);
    v1::DeviceList devices;
    ASSERT_TRUE(api::parse_json(list.body, devices).ok()) << list.body;
    ASSERT_EQ(devices.devices_size(), 1);
    EXPECT_TRUE(MessageDifferencer::Equals(devices.devices(0), want));

    // The raised alert follows the policy.
    const core::geo::LatLng moved = near_lake(600, 45);
    auto raised = trigger("bracelet-1", R"({"kind":"DEVICE_TRIGGER_KIND_SOS","position":)" + location_json(moved) +
                                            R"(,"details":{"wearer":"Mr Zhang","battery":"14%"}})");
    ASSERT_EQ(raised.status, 201u) << raised.body;
    v1::Alert a;
    ASSERT_TRUE(api::parse_json(raised.body, a).ok());
    EXPECT_EQ(a.kind(), v1::ALERT_KIND_MISSING_PERSON);
    EXPECT_EQ(a.title(), "Wandered off: Bracelet: Mr Zhang, 81");
    EXPECT_EQ(a.description(), "SOS from Bracelet: Mr Zhang, 81\nbattery: 14%\nwearer: Mr Zhang");
    EXPECT_EQ(a.responders_wanted(), 4u);
    ASSERT_EQ(a.required_skills_size(), 1);
    EXPECT_EQ(a.required_skills(0), "first_aid");
    EXPECT_EQ(a.min_tier(), v1::TIER_REGISTERED);
    ASSERT_EQ(a.teams_size(), 1);
    EXPECT_EQ(a.teams(0), "tangxia-3");
    EXPECT_EQ(a.policy().max_recipients(), 7u);
    EXPECT_TRUE(a.policy().nearest_first());
    EXPECT_EQ(a.policy().over_alert_factor(), 2.5);
    ASSERT_EQ(a.policy().roles_size(), 1);
    EXPECT_EQ(a.policy().roles(0), "lead");
    EXPECT_EQ(a.created_by(), "device:bracelet-1");
    // Centred where the bracelet is, and the bracelet is shown there.
    EXPECT_DOUBLE_EQ(a.center().latitude(), std::stod(std::to_string(moved.lat)));
    EXPECT_DOUBLE_EQ(a.center().longitude(), std::stod(std::to_string(moved.lon)));
    EXPECT_DOUBLE_EQ(get_device("bracelet-1").position().location().latitude(), a.center().latitude());

    // Triggered again from elsewhere within the merge window: the same alert moves along (a new version).
    const core::geo::LatLng later = near_lake(900, 90);
    auto merged =
        trigger("bracelet-1", R"({"kind":"DEVICE_TRIGGER_KIND_SOS","position":)" + location_json(later) + "}");
    ASSERT_EQ(merged.status, 200u) << merged.body;
    v1::Alert m;
    ASSERT_TRUE(api::parse_json(merged.body, m).ok());
    EXPECT_EQ(m.id(), a.id());
    EXPECT_GT(m.version(), a.version());
    EXPECT_DOUBLE_EQ(m.center().longitude(), std::stod(std::to_string(later.lon)));

    // Positions stay in memory: after a restart the bracelet is back at its registered place, its policy intact.
    restart_node();
    EXPECT_TRUE(MessageDifferencer::Equals(get_device("bracelet-1"), want));
}

TEST_P(DevicePolicyTest, DefaultsAreFilledInAndUnsupportedFieldsRefusedByName) {
    auto put = call("PUT", "/v1/devices/hut-3", R"({"position":{"location":{"latitude":22.93,"longitude":113.89}}})");
    ASSERT_EQ(put.status, 200u) << put.body;
    v1::Device d = get_device("hut-3");
    EXPECT_EQ(d.name(), "hut-3");
    EXPECT_EQ(d.policy().alert_kind(), v1::ALERT_KIND_DROWNING);
    EXPECT_EQ(d.policy().responders_wanted(), 3u);
    ASSERT_TRUE(d.policy().has_auto_create());
    EXPECT_TRUE(d.policy().auto_create());
    auto raised = trigger("hut-3", "");
    ASSERT_EQ(raised.status, 201u) << raised.body;
    v1::Alert a;
    ASSERT_TRUE(api::parse_json(raised.body, a).ok());
    EXPECT_EQ(a.title(), "hut-3");
    EXPECT_EQ(a.description(), "Alarm from hut-3");

    const std::string at = R"("position":{"location":{"latitude":22.93,"longitude":113.89}})";
    struct Case {
        std::string body, field;
    };
    const std::vector<Case> refused{
        {R"({"policy":{"alertKind":"ALERT_KIND_DROWNING"}})", "position.location"},
        {"{" + at + R"(,"policy":{"autoCreate":false}})", "policy.auto_create"},
        {"{" + at +
             R"(,"policy":{"safeZone":{"circle":{"center":{"latitude":22.9,"longitude":113.9},"radiusM":500}}}})",
         "policy.safe_zone"},
        {"{" + at + R"(,"policy":{"teams":["a","b"]}})", "policy.teams"},
        {"{" + at + R"(,"policy":{"alertPolicy":{"rings":[{"radiusM":0}]}}})", "policy.alert_policy.rings"},
        {"{" + at + R"(,"policy":{"title":")" + std::string(300, 'x') + R"("}})", "policy.title"},
    };
    for (const Case& c : refused) {
        auto r = call("PUT", "/v1/devices/hut-4", c.body);
        EXPECT_EQ(r.status, 400u) << c.body;
        v1::ErrorBody e;
        ASSERT_TRUE(api::parse_json(r.body, e).ok()) << r.body;
        EXPECT_EQ(e.message().rfind(c.field, 0), 0u) << e.message();
    }
    EXPECT_EQ(call("GET", "/v1/devices/hut-4").status, 404u) << "nothing refused was stored";
    // Details that would make the description too long.
    auto long_details = trigger("hut-3", R"({"details":{"log":")" + std::string(5000, 'x') + R"("}})");
    EXPECT_EQ(long_details.status, 400u) << long_details.body;
    EXPECT_NE(long_details.body.find("details"), std::string::npos) << long_details.body;
    EXPECT_EQ(trigger("hut-3", R"({"position":{"location":{"latitude":91,"longitude":0}}})").status, 400u);
}

INSTANTIATE_TEST_SUITE_P(Stores, DevicePolicyTest, ::testing::Values(Backend::kSqlite, Backend::kRedis),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace yihu::testing
