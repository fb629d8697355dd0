// The route table over a real socket: wrong methods get 405 with Allow and an ErrorBody, unknown paths 404, and an
// id with control characters never reaches the hub.

#include "node_harness.h"

namespace yihu::testing {
namespace {

TEST_F(NodeTest, WrongMethodsGet405WithAllowAndUnknownPaths404) {
    struct Case {
        const char* method;
        const char* target;
        const char* allow;
    };
    for (const Case& c : std::initializer_list<Case>{{"POST", "/healthz", "GET"},
                                                     {"PUT", "/readyz", "GET"},
                                                     {"DELETE", "/v1/alerts", "POST, GET"},
                                                     {"DELETE", "/v1/alerts/dongguan-1", "GET, PATCH"},
                                                     {"GET", "/v1/alerts/dongguan-1:resolve", "POST"},
                                                     {"GET", "/v1/devices/hut-1/trigger", "POST"}}) {
        auto r = call(c.method, c.target);
        EXPECT_EQ(r.status, 405u) << c.method << " " << c.target << ": " << r.body;
        EXPECT_EQ(r.headers["allow"], c.allow) << c.target;
        EXPECT_NE(r.body.find("ERROR_CODE_METHOD_NOT_ALLOWED"), std::string::npos) << r.body;
    }
    auto r = http_->request("GET", "/v1/nowhere");
    EXPECT_EQ(r.status, 404u) << "an unknown path is 404, token or not: " << r.body;
    EXPECT_EQ(call("GET", "/v1/alerts/x/y/z").status, 404u);
    r = call("GET", "/v1/alerts/bad%01id");
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_NE(r.body.find("ERROR_CODE_INVALID_ARGUMENT"), std::string::npos) << r.body;
    EXPECT_EQ(http_->request("GET", "/healthz").status, 200u);
}

TEST_F(NodeTest, ConfirmingASightingMovesTheAlertAndAnUnknownOneIs404) {
    auto p = phone("v-1", near_lake(100, 0));
    const v1::Alert alert = create(drowning_json());
    auto push = p->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push);
    p->ack(push->alert().seq());
    v1::ClientMessage sighting;
    sighting.mutable_sighting()->set_alert_id(alert.id());
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_latitude(22.94);
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_longitude(113.9);
    auto ok = p->request(sighting);
    ASSERT_TRUE(ok && ok->has_ok()) << (ok ? ok->DebugString() : "no reply");
    const std::string sid = ok->ok().id();
    ASSERT_FALSE(sid.empty());

    auto r = call("POST", "/v1/alerts/" + alert.id() + "/sightings/" + sid + "9:confirm");
    EXPECT_EQ(r.status, 404u) << r.body;
    EXPECT_NE(r.body.find("ERROR_CODE_NOT_FOUND"), std::string::npos) << r.body;
    r = call("POST", "/v1/alerts/" + alert.id() + "/sightings/" + sid + ":confirm");
    ASSERT_EQ(r.status, 200u) << r.body;
    v1::Alert moved;
    ASSERT_TRUE(api::parse_json(r.body, moved));
    EXPECT_DOUBLE_EQ(moved.center().latitude(), 22.94);
    EXPECT_EQ(moved.version(), alert.version() + 1);
    auto update = p->next_of(v1::ServerMessage::kAlertUpdate);
    ASSERT_TRUE(update) << "the recipient hears of the new centre";
    EXPECT_DOUBLE_EQ(update->alert_update().alert().center().latitude(), 22.94);
}

}  // namespace
}  // namespace yihu::testing
