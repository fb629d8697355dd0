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

}  // namespace
}  // namespace yihu::testing
