// The command path from an HTTP request to the hub and back: each route's typed command reaches the hub link, and
// each kind of result becomes the documented status; then the same through a real hub over SQLite.

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "api/codec/json_codec.h"
#include "api/gateway/gateway.h"
#include "api/hub/hub.h"
#include "api/hub/hub_link.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace yihu::api {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "command-path-secret";
constexpr const char* kDrowning =
    R"({"kind":"ALERT_KIND_DROWNING","center":{"latitude":22.93,"longitude":113.89},"title":"Drowning","respondersWanted":3})";

core::Time system_now() {
    return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}

std::string token(Role role, std::string subject) {
    Claims c;
    c.subject = std::move(subject);
    c.role = role;
    c.expires_at = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(1))
                       .count();
    return sign_token(c, kSecret);
}

// A hub link that records each command and answers it at once with `next`.
class RecordingLink final : public HubLink {
  public:
    void volunteer_hello(Hub::Session, Claims, v1::Hello, std::uint64_t) override {}
    void volunteer_message(Hub::Session, std::string, v1::ClientMessage) override {}
    void volunteer_closed(std::string, std::uint64_t) override {}
    void feed_open(std::uint64_t, std::shared_ptr<net::WsConnection>, v1::LiveFeedSubscribe) override {}
    void feed_subscribe(std::uint64_t, v1::LiveFeedSubscribe) override {}
    void feed_closed(std::uint64_t) override {}
    void command(v1::HubCommand command, CommandReply reply) override {
        commands.push_back(std::move(command));
        reply(next);
    }

    std::vector<v1::HubCommand> commands;
    v1::HubResult next;
};

net::HttpRequest request(std::string method, std::string target, std::string body, const std::string& bearer) {
    net::HttpRequest r;
    r.method = std::move(method);
    r.target = target;
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
        std::string_view rest = std::string_view(target).substr(q + 1);
        while (!rest.empty()) {
            const auto amp = std::min(rest.find('&'), rest.size());
            const std::string_view pair = rest.substr(0, amp);
            const auto eq = pair.find('=');
            r.query.emplace(std::string(pair.substr(0, eq)),
                            eq == std::string_view::npos ? std::string{} : std::string(pair.substr(eq + 1)));
            rest.remove_prefix(std::min(amp + 1, rest.size()));
        }
    }
    r.body = std::move(body);
    if (!bearer.empty()) r.headers["authorization"] = "Bearer " + bearer;
    return r;
}

std::string header(const net::HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) return v;
    }
    return {};
}

v1::ErrorBody error_of(const net::HttpResponse& r) {
    v1::ErrorBody e;
    EXPECT_TRUE(parse_json(r.body, e)) << r.body;
    return e;
}

class CommandPath : public ::testing::Test {
  protected:
    CommandPath() {
        context_.hub = &link_;
        context_.token_secret = kSecret;
        context_.clock = system_now;
    }
    // Sends a request through the gateway; the recording link answers at once.
    net::HttpResponse send(std::string method, std::string target, std::string body = {},
                           const std::string& bearer = dispatcher_) {
        std::optional<net::HttpResponse> out;
        gateway_.http(request(std::move(method), std::move(target), std::move(body), bearer),
                      [&](net::HttpResponse r) { out = std::move(r); });
        EXPECT_TRUE(out) << "no answer";
        return out.value_or(net::HttpResponse{.status = 0});
    }

    RecordingLink link_;
    GatewayContext context_;
    Gateway gateway_{context_};
    inline static const std::string dispatcher_ = token(Role::kDispatcher, "d-1");
};

TEST_F(CommandPath, EachRouteSendsItsCommandAndItsResultBecomesTheDocumentedStatus) {
    using Body = v1::HubCommand::BodyCase;
    v1::HubResult alert;
    alert.mutable_alert()->set_id("dongguan-1");
    v1::HubResult created = alert;
    created.set_created(true);
    v1::HubResult detail;
    detail.mutable_alert_detail()->mutable_alert()->set_id("dongguan-1");
    v1::HubResult alerts;
    alerts.mutable_alerts()->set_next_page_token("2");
    v1::HubResult recipients;
    recipients.mutable_recipients()->set_alert_id("dongguan-1");
    v1::HubResult responses;
    responses.mutable_responses()->set_alert_id("dongguan-1");
    v1::HubResult audit;
    audit.mutable_audit()->set_alert_id("dongguan-1");
    v1::HubResult devices;
    devices.mutable_devices();
    v1::HubResult device;
    device.mutable_device()->set_id("hut-7");
    const std::string hut = token(Role::kDevice, "hut-7");

    struct Case {
        const char* method;
        const char* target;
        std::string body;
        std::string bearer;
        Body command;
        v1::HubResult result;
        unsigned status;
        const char* in_body;  // a piece of the JSON the status comes with
    };
    const std::vector<Case> cases{
        {"POST", "/v1/alerts", kDrowning, dispatcher_, Body::kCreateAlert, created, 201, "\"id\":\"dongguan-1\""},
        {"POST", "/v1/alerts", kDrowning, dispatcher_, Body::kCreateAlert, alert, 200, "\"id\":\"dongguan-1\""},
        {"GET", "/v1/alerts?pageSize=1", "", dispatcher_, Body::kListAlerts, alerts, 200, "\"nextPageToken\":\"2\""},
        {"GET", "/v1/alerts/dongguan-1", "", dispatcher_, Body::kGetAlert, detail, 200, "\"alert\":{"},
        {"PATCH", "/v1/alerts/dongguan-1", R"({"title":"t"})", dispatcher_, Body::kUpdateAlert, alert, 200, "\"id\""},
        {"POST", "/v1/alerts/dongguan-1:resolve", "", dispatcher_, Body::kCloseAlert, alert, 200, "\"id\""},
        {"POST", "/v1/alerts/dongguan-1:cancel", "{}", dispatcher_, Body::kCloseAlert, alert, 200, "\"id\""},
        {"GET", "/v1/alerts/dongguan-1/recipients", "", dispatcher_, Body::kListRecipients, recipients, 200,
         "\"alertId\""},
        {"GET", "/v1/alerts/dongguan-1/responses", "", dispatcher_, Body::kListResponses, responses, 200,
         "\"alertId\""},
        {"GET", "/v1/alerts/dongguan-1/audit", "", dispatcher_, Body::kListAudit, audit, 200, "\"alertId\""},
        {"POST", "/v1/alerts/dongguan-1/sightings/3:confirm", "", dispatcher_, Body::kConfirmSighting, alert, 200,
         "\"id\""},
        {"GET", "/v1/devices", "", dispatcher_, Body::kListDevices, devices, 200, "{\"devices\":[]}"},
        {"PUT", "/v1/devices/hut-7", R"({"position":{"location":{"latitude":22.9,"longitude":113.9}}})", dispatcher_,
         Body::kPutDevice, device, 200, "\"id\":\"hut-7\""},
        {"POST", "/v1/devices/hut-7/trigger", "", hut, Body::kTriggerDevice, created, 201, "\"id\":\"dongguan-1\""},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.method) + " " + c.target);
        link_.commands.clear();
        link_.next = c.result;
        const net::HttpResponse r = send(c.method, c.target, c.body, c.bearer);
        ASSERT_EQ(link_.commands.size(), 1u) << r.body;
        const v1::HubCommand& sent = link_.commands.front();
        EXPECT_EQ(sent.body_case(), c.command);
        EXPECT_EQ(sent.caller().subject(), c.bearer == hut ? "hut-7" : "d-1");
        EXPECT_EQ(sent.caller().role(), c.bearer == hut ? v1::CALLER_ROLE_DEVICE : v1::CALLER_ROLE_DISPATCHER);
        EXPECT_EQ(r.status, c.status) << r.body;
        EXPECT_EQ(r.content_type, "application/json");
        EXPECT_NE(r.body.find(c.in_body), std::string::npos) << r.body;
        const bool located = c.command == Body::kCreateAlert && c.status == 201;
        EXPECT_EQ(header(r, "Location"), located ? "/v1/alerts/dongguan-1" : "");
    }
}

TEST_F(CommandPath, ErrorResultsBecomeTheirCodesStatus) {
    struct Case {
        v1::ErrorCode code;
        unsigned status;
    };
    for (const Case& c : std::initializer_list<Case>{{v1::ERROR_CODE_INVALID_ARGUMENT, 400},
                                                     {v1::ERROR_CODE_INVALID_COORDINATES, 400},
                                                     {v1::ERROR_CODE_NOT_FOUND, 404},
                                                     {v1::ERROR_CODE_ALERT_CLOSED, 409},
                                                     {v1::ERROR_CODE_CONFLICT, 409},
                                                     {v1::ERROR_CODE_UNAVAILABLE, 503},
                                                     {v1::ERROR_CODE_INTERNAL, 500}}) {
        link_.next.Clear();
        link_.next.mutable_error()->set_code(c.code);
        link_.next.mutable_error()->set_message("why");
        (*link_.next.mutable_error()->mutable_details())["current_version"] = "8";
        const net::HttpResponse r = send("PATCH", "/v1/alerts/dongguan-1", R"({"title":"t"})");
        EXPECT_EQ(r.status, c.status) << v1::ErrorCode_Name(c.code);
        const v1::ErrorBody e = error_of(r);
        EXPECT_EQ(e.code(), c.code);
        EXPECT_EQ(e.message(), "why");
        EXPECT_EQ(e.details().at("current_version"), "8");
    }
    link_.next.Clear();
    link_.next.mutable_error()->set_code(v1::ERROR_CODE_UNAVAILABLE);
    link_.next.set_retry_after_s(2);
    const net::HttpResponse r = send("GET", "/v1/alerts");
    EXPECT_EQ(r.status, 503u);
    EXPECT_EQ(header(r, "Retry-After"), "2");
}

TEST_F(CommandPath, RefusalsBeforeTheHubNeverReachIt) {
    struct Case {
        const char* method;
        const char* target;
        std::string body;
        std::string bearer;
        unsigned status;
        v1::ErrorCode code;
        const char* allow;
    };
    const std::string volunteer = token(Role::kVolunteer, "v-1");
    const std::vector<Case> cases{
        {"GET", "/v1/nowhere", "", dispatcher_, 404, v1::ERROR_CODE_NOT_FOUND, ""},
        {"GET", "/v1/nowhere", "", "", 404, v1::ERROR_CODE_NOT_FOUND, ""},
        {"GET", "/v1/alerts/x/y", "", dispatcher_, 404, v1::ERROR_CODE_NOT_FOUND, ""},
        {"POST", "/healthz", "", "", 405, v1::ERROR_CODE_METHOD_NOT_ALLOWED, "GET"},
        {"DELETE", "/v1/alerts/dongguan-1", "", dispatcher_, 405, v1::ERROR_CODE_METHOD_NOT_ALLOWED, "GET, PATCH"},
        {"GET", "/v1/alerts/dongguan-1:cancel", "", dispatcher_, 405, v1::ERROR_CODE_METHOD_NOT_ALLOWED, "POST"},
        {"GET", "/v1/alerts", "", "", 401, v1::ERROR_CODE_UNAUTHENTICATED, ""},
        {"GET", "/v1/alerts", "", "garbage", 401, v1::ERROR_CODE_UNAUTHENTICATED, ""},
        {"GET", "/v1/alerts", "", volunteer, 403, v1::ERROR_CODE_FORBIDDEN_ROLE, ""},
        {"POST", "/v1/devices/hut-7/trigger", "", dispatcher_, 403, v1::ERROR_CODE_FORBIDDEN_ROLE, ""},
        {"POST", "/v1/devices/hut-8/trigger", "", token(Role::kDevice, "hut-7"), 403, v1::ERROR_CODE_FORBIDDEN_ROLE,
         ""},
        {"POST", "/v1/alerts", "{not json", dispatcher_, 400, v1::ERROR_CODE_MALFORMED_MESSAGE, ""},
        {"GET", "/v1/alerts?pageSize=5000", "", dispatcher_, 400, v1::ERROR_CODE_INVALID_ARGUMENT, ""},
        {"GET", "/v1/alerts/%01x", "", dispatcher_, 400, v1::ERROR_CODE_INVALID_ARGUMENT, ""},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.method) + " " + c.target);
        const net::HttpResponse r = send(c.method, c.target, c.body, c.bearer);
        EXPECT_EQ(r.status, c.status) << r.body;
        EXPECT_EQ(error_of(r).code(), c.code) << r.body;
        EXPECT_EQ(header(r, "Allow"), c.allow);
    }
    EXPECT_TRUE(link_.commands.empty()) << link_.commands.front().ShortDebugString();
    EXPECT_EQ(send("GET", "/healthz", "", "").status, 200u) << "the local routes need no hub";
}

// The same path through a real hub over SQLite: replies come from the hub thread, mutations after the commit.
class RealHub : public ::testing::Test {
  protected:
    void SetUp() override {
        auto store = store::open_sqlite_store(dir_.path());
        ASSERT_TRUE(store) << store.error().message;
        hub_ = std::make_unique<Hub>(HubOptions{}, std::move(*store), system_now);
        core::Device hut{.id = "hut-12", .name = "Hut 12", .position = {22.93, 113.89}};
        ASSERT_TRUE(hub_->start({hut}));
        link_ = std::make_unique<LocalHubLink>(*hub_);
        context_.hub = link_.get();
        context_.token_secret = kSecret;
        context_.clock = system_now;
        gateway_ = std::make_unique<Gateway>(context_);
    }
    void TearDown() override {
        if (hub_) hub_->stop();
    }
    net::HttpResponse send(std::string method, std::string target, std::string body = {},
                           const std::string& bearer = dispatcher_) {
        auto answer = std::make_shared<std::promise<net::HttpResponse>>();
        auto reply = answer->get_future();
        gateway_->http(request(std::move(method), std::move(target), std::move(body), bearer),
                       [answer](net::HttpResponse r) { answer->set_value(std::move(r)); });
        if (reply.wait_for(10s) != std::future_status::ready) {
            ADD_FAILURE() << "the hub did not answer";
            return net::HttpResponse{.status = 0};
        }
        return reply.get();
    }

    testing::TempDir dir_;
    std::unique_ptr<Hub> hub_;
    std::unique_ptr<LocalHubLink> link_;
    GatewayContext context_;
    std::unique_ptr<Gateway> gateway_;
    inline static const std::string dispatcher_ = token(Role::kDispatcher, "d-1");
};

TEST_F(RealHub, CommandsAndQueriesAnswerWithTheDocumentedStatuses) {
    const std::string keyed = R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},)"
                              R"("title":"Flood","idempotencyKey":"k-1"})";
    net::HttpResponse r = send("POST", "/v1/alerts", keyed);
    ASSERT_EQ(r.status, 201u) << r.body;
    v1::Alert a;
    ASSERT_TRUE(parse_json(r.body, a));
    EXPECT_EQ(header(r, "Location"), "/v1/alerts/" + a.id());
    EXPECT_EQ(a.created_by(), "d-1") << "the caller travels with the command";

    r = send("POST", "/v1/alerts", keyed);
    EXPECT_EQ(r.status, 200u) << "the same key and body: the same alert";
    v1::Alert again;
    ASSERT_TRUE(parse_json(r.body, again));
    EXPECT_EQ(again.id(), a.id());
    EXPECT_EQ(header(r, "Location"), "");
    r = send("POST", "/v1/alerts",
             R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"Other",)"
             R"("idempotencyKey":"k-1"})");
    EXPECT_EQ(r.status, 409u);

    EXPECT_EQ(send("GET", "/v1/alerts/" + a.id()).status, 200u);
    EXPECT_EQ(send("GET", "/v1/alerts/nope-1").status, 404u);
    r = send("PATCH", "/v1/alerts/" + a.id(), R"({"expectedVersion":"7","description":"x"})");
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(error_of(r).details().at("current_version"), "1");
    EXPECT_EQ(send("PATCH", "/v1/alerts/" + a.id(), R"({"description":"x"})").status, 200u);
    r = send("POST", "/v1/alerts/" + a.id() + "/sightings/5:confirm");
    EXPECT_EQ(r.status, 404u) << "a sighting the alert does not have: " << r.body;
    EXPECT_EQ(error_of(r).code(), v1::ERROR_CODE_NOT_FOUND);
    EXPECT_EQ(send("POST", "/v1/alerts/" + a.id() + "/sightings/x:confirm").status, 404u);
    EXPECT_EQ(send("GET", "/v1/alerts/" + a.id() + "/audit?pageSize=1").status, 200u);
    EXPECT_EQ(send("GET", "/v1/alerts/" + a.id() + "/recipients").status, 200u);
    EXPECT_EQ(send("GET", "/v1/alerts/" + a.id() + "/responses").status, 200u);

    r = send("POST", "/v1/alerts/" + a.id() + ":resolve", R"({"found":true,"message":"Safe."})");
    ASSERT_EQ(r.status, 200u) << r.body;
    v1::Alert closed;
    ASSERT_TRUE(parse_json(r.body, closed));
    EXPECT_EQ(closed.state(), v1::ALERT_STATE_RESOLVED_FOUND);
    EXPECT_EQ(send("POST", "/v1/alerts/" + a.id() + ":cancel").status, 409u);
    EXPECT_EQ(send("PATCH", "/v1/alerts/" + a.id(), R"({"description":"y"})").status, 409u);

    v1::ListAlertsResponse list;
    r = send("GET", "/v1/alerts?states=ALERT_STATE_RESOLVED_FOUND");
    ASSERT_EQ(r.status, 200u);
    ASSERT_TRUE(parse_json(r.body, list));
    ASSERT_EQ(list.alerts_size(), 1);
    EXPECT_EQ(list.alerts(0).alert().id(), a.id());

    EXPECT_EQ(
        send("PUT", "/v1/devices/hut-7", R"({"position":{"location":{"latitude":22.9,"longitude":113.9}}})").status,
        200u);
    r = send("GET", "/v1/devices");
    ASSERT_EQ(r.status, 200u);
    EXPECT_NE(r.body.find("\"hut-7\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"hut-12\""), std::string::npos) << r.body;
    const std::string hut = token(Role::kDevice, "hut-12");
    EXPECT_EQ(send("POST", "/v1/devices/hut-12/trigger", "", hut).status, 201u);
    EXPECT_EQ(send("POST", "/v1/devices/hut-12/trigger", "", hut).status, 200u) << "merged into the open alert";
    EXPECT_EQ(send("POST", "/v1/devices/hut-99/trigger", "", token(Role::kDevice, "hut-99")).status, 404u);
}

// The hub only decides: the reply's JSON and status are made on an I/O thread (context.run_on_io), so a large answer
// (a 60,000-vertex area is megabytes of JSON) never holds the hub's thread while other requests wait.
TEST_F(RealHub, RepliesAreMadeOnAnIoThreadNotTheHubs) {
    std::mutex m;
    std::vector<std::function<void()>> queued;
    context_.run_on_io = [&](std::function<void()> work) {
        std::lock_guard lock(m);
        queued.push_back(std::move(work));
    };
    auto answer = std::make_shared<std::promise<std::pair<net::HttpResponse, std::thread::id>>>();
    auto reply = answer->get_future();
    gateway_->http(request("POST", "/v1/alerts", kDrowning, dispatcher_), [answer](net::HttpResponse r) {
        answer->set_value({std::move(r), std::this_thread::get_id()});
    });
    // The hub answers the command (after its commit) by queueing the reply's making for an I/O thread.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::size_t waiting = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard lock(m);
            waiting = queued.size();
        }
        if (waiting > 0) break;
        std::this_thread::sleep_for(2ms);
    }
    ASSERT_EQ(waiting, 1u) << "the hub's answer was not handed to the I/O side";
    EXPECT_EQ(reply.wait_for(50ms), std::future_status::timeout) << "the reply was made before the I/O side ran";
    std::function<void()> work;
    {
        std::lock_guard lock(m);
        work = std::move(queued.front());
    }
    std::thread io([&] { work(); });
    const std::thread::id io_id = io.get_id();
    io.join();
    ASSERT_EQ(reply.wait_for(1s), std::future_status::ready);
    auto [response, made_on] = reply.get();
    EXPECT_EQ(response.status, 201u) << response.body;
    EXPECT_EQ(made_on, io_id);
    v1::Alert a;
    EXPECT_TRUE(parse_json(response.body, a));
    EXPECT_FALSE(a.id().empty());
}

}  // namespace
}  // namespace yihu::api
