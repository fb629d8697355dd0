// The route table: method and path matching, path parameters, 404 against 405 (with Allow), and yihu's own routes.

#include "api/gateway/route_table.h"

#include <gtest/gtest.h>

#include "api/gateway/http_routes.h"

namespace yihu::api {
namespace {

using Table = RouteTable<int>;
using Status = Table::Status;

std::vector<std::string> segments(std::string_view target) {
    auto s = path_segments(target);
    EXPECT_TRUE(s) << target;
    return s.value_or(std::vector<std::string>{});
}

Table sample() {
    Table t;
    t.add("GET", "/v1/alerts", 1);
    t.add("POST", "/v1/alerts", 2);
    t.add("GET", "/v1/alerts/{id}", 3);
    t.add("PATCH", "/v1/alerts/{id}", 4);
    t.add("POST", "/v1/alerts/{id}:resolve", 5);
    t.add("GET", "/v1/alerts/{id}/recipients", 6);
    t.add("POST", "/v1/alerts/{id}/sightings/{sighting}:confirm", 7);
    return t;
}

TEST(RouteTable, MatchesMethodAndPathAndBindsParameters) {
    const Table t = sample();
    auto m = t.match("GET", segments("/v1/alerts"));
    ASSERT_EQ(m.status, Status::kFound);
    EXPECT_EQ(*m.value, 1);
    m = t.match("POST", segments("/v1/alerts"));
    ASSERT_EQ(m.status, Status::kFound);
    EXPECT_EQ(*m.value, 2);

    m = t.match("PATCH", segments("/v1/alerts/dongguan-7"));
    ASSERT_EQ(m.status, Status::kFound);
    EXPECT_EQ(*m.value, 4);
    EXPECT_EQ(m.params.get("id"), "dongguan-7");
    EXPECT_EQ(m.params.get("other"), "");

    m = t.match("POST", segments("/v1/alerts/dongguan-7/sightings/12:confirm"));
    ASSERT_EQ(m.status, Status::kFound);
    EXPECT_EQ(*m.value, 7);
    EXPECT_EQ(m.params.get("id"), "dongguan-7");
    EXPECT_EQ(m.params.get("sighting"), "12");
}

TEST(RouteTable, AVerbSuffixIsMoreSpecificThanAPlainParameter) {
    const Table t = sample();
    auto m = t.match("POST", segments("/v1/alerts/dongguan-7:resolve"));
    ASSERT_EQ(m.status, Status::kFound);
    EXPECT_EQ(*m.value, 5);
    EXPECT_EQ(m.params.get("id"), "dongguan-7");

    // The verb route is the only candidate for this path: GET on it is the wrong method, not the alert "x:resolve".
    m = t.match("GET", segments("/v1/alerts/dongguan-7:resolve"));
    EXPECT_EQ(m.status, Status::kWrongMethod);
    EXPECT_EQ(m.allow, "POST");

    // A colon without a known verb belongs to the id.
    m = t.match("GET", segments("/v1/alerts/a:b"));
    ASSERT_EQ(m.status, Status::kFound);
    EXPECT_EQ(m.params.get("id"), "a:b");
    // An empty id before the verb does not match the verb route.
    m = t.match("POST", segments("/v1/alerts/:resolve"));
    EXPECT_EQ(m.status, Status::kWrongMethod) << "\":resolve\" is then a plain id";
    EXPECT_EQ(m.allow, "GET, PATCH");
}

TEST(RouteTable, UnknownPathsAre404AndWrongMethods405WithAllow) {
    const Table t = sample();
    for (const char* target : {"/", "/v1", "/v2/alerts", "/v1/alerts/x/y", "/v1/alerts/x/recipients/z", "/v1/alerts/",
                               "/v1//alerts", "/v1/alerts/x/sightings/3", "/v1/alerts/x/sightings/3:deny"}) {
        EXPECT_EQ(t.match("GET", segments(target)).status, Status::kNoSuchPath) << target;
        EXPECT_EQ(t.match("POST", segments(target)).status, Status::kNoSuchPath) << target;
    }
    auto m = t.match("DELETE", segments("/v1/alerts"));
    EXPECT_EQ(m.status, Status::kWrongMethod);
    EXPECT_EQ(m.allow, "GET, POST");
    EXPECT_EQ(m.value, nullptr);
    m = t.match("PUT", segments("/v1/alerts/x"));
    EXPECT_EQ(m.status, Status::kWrongMethod);
    EXPECT_EQ(m.allow, "GET, PATCH");
    m = t.match("get", segments("/v1/alerts"));
    EXPECT_EQ(m.status, Status::kWrongMethod) << "methods are case-sensitive (RFC 9110)";
}

TEST(RouteTable, SegmentsAreDecodedOneByOne) {
    EXPECT_EQ(segments("/v1/alerts?pageSize=2&states=A"), (std::vector<std::string>{"v1", "alerts"}));
    EXPECT_EQ(segments("/v1/devices/hut%2F12"), (std::vector<std::string>{"v1", "devices", "hut/12"}));
    EXPECT_EQ(segments("/v1/devices/%E9%BE%99-1"), (std::vector<std::string>{"v1", "devices", "\xE9\xBE\x99-1"}));
    EXPECT_EQ(segments("/"), (std::vector<std::string>{}));
    EXPECT_EQ(segments("/v1/alerts/"), (std::vector<std::string>{"v1", "alerts", ""}));
    EXPECT_FALSE(path_segments("v1/alerts")) << "not origin-form";
    EXPECT_FALSE(path_segments("http://example.org/v1/alerts"));
    EXPECT_FALSE(path_segments("/v1/a%zz"));

    // An encoded slash stays inside its segment: it cannot reach another route.
    const Table t = sample();
    auto m = t.match("GET", segments("/v1/alerts/x%2Frecipients"));
    ASSERT_EQ(m.status, Status::kFound);
    EXPECT_EQ(*m.value, 3);
    EXPECT_EQ(m.params.get("id"), "x/recipients");
}

TEST(RouteTable, TheNodesRoutes) {
    GatewayContext context;
    const RouteTable<HttpRoute> t = http_routes(context);
    struct Case {
        const char* method;
        const char* target;
        std::vector<Role> roles;  // the tokens the route takes
    };
    for (const Case& c : std::initializer_list<Case>{
             {"GET", "/healthz", {}},
             {"GET", "/readyz", {}},
             {"GET", "/metrics", {}},
             {"POST", "/v1/alerts", {Role::kDispatcher}},
             {"GET", "/v1/alerts?pageSize=3", {Role::kDispatcher}},
             {"GET", "/v1/alerts/dongguan-1", {Role::kDispatcher}},
             {"PATCH", "/v1/alerts/dongguan-1", {Role::kDispatcher}},
             {"POST", "/v1/alerts/dongguan-1:resolve", {Role::kDispatcher}},
             {"POST", "/v1/alerts/dongguan-1:cancel", {Role::kDispatcher}},
             {"GET", "/v1/alerts/dongguan-1/recipients", {Role::kDispatcher}},
             {"GET", "/v1/alerts/dongguan-1/responses", {Role::kDispatcher}},
             {"GET", "/v1/alerts/dongguan-1/audit", {Role::kDispatcher}},
             {"POST", "/v1/alerts/dongguan-1/sightings/2:confirm", {Role::kDispatcher}},
             {"GET", "/v1/devices", {Role::kDispatcher}},
             {"GET", "/v1/devices/hut-12", {Role::kDispatcher}},
             {"PUT", "/v1/devices/hut-12", {Role::kDispatcher}},
             {"POST", "/v1/devices/hut-12/trigger", {Role::kDevice}},
             {"GET", "/v1/alerts/dongguan-1/cap", {Role::kDispatcher, Role::kPeer}},
             {"GET", "/v1/cap/feed", {Role::kDispatcher, Role::kPeer}},
             {"POST", "/v1/cap/alerts", {Role::kDispatcher, Role::kPeer}},
         }) {
        auto m = t.match(c.method, segments(c.target));
        ASSERT_EQ(m.status, RouteTable<HttpRoute>::Status::kFound) << c.method << " " << c.target;
        EXPECT_EQ(m.value->roles, c.roles) << c.target;
        EXPECT_NE(m.value->decode == nullptr, !c.roles.empty()) << "a hub route decodes, a local one answers";
    }
    struct Wrong {
        const char* method;
        const char* target;
        const char* allow;
    };
    for (const Wrong& w : std::initializer_list<Wrong>{
             {"POST", "/healthz", "GET"},
             {"DELETE", "/v1/alerts", "POST, GET"},
             {"DELETE", "/v1/alerts/dongguan-1", "GET, PATCH"},
             {"GET", "/v1/alerts/dongguan-1:resolve", "POST"},
             {"POST", "/v1/alerts/dongguan-1/audit", "GET"},
             {"DELETE", "/v1/devices/hut-12", "GET, PUT"},
             {"GET", "/v1/devices/hut-12/trigger", "POST"},
             {"POST", "/v1/devices", "GET"},
         }) {
        auto m = t.match(w.method, segments(w.target));
        EXPECT_EQ(m.status, RouteTable<HttpRoute>::Status::kWrongMethod) << w.method << " " << w.target;
        EXPECT_EQ(m.allow, w.allow) << w.target;
    }
    for (const char* target : {"/v1/nowhere", "/v1/alerts/x/recipients/y", "/v1/volunteers", "/healthz/x"}) {
        EXPECT_EQ(t.match("GET", segments(target)).status, RouteTable<HttpRoute>::Status::kNoSuchPath) << target;
    }
}

}  // namespace
}  // namespace yihu::api
