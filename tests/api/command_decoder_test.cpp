// Decoding HTTP requests into typed commands on the gateway side: bodies, path ids, query parameters, and every
// check that needs no hub state.

#include "api/gateway/command_decoder.h"

#include <gtest/gtest.h>

namespace yihu::api {
namespace {

class Decoder : public ::testing::Test {
  protected:
    // Runs `decode` on a request with `body`, `query` and path parameters.
    Decoded run(Decoded (*decode)(const CommandInput&), std::string body,
                std::vector<std::pair<std::string, std::string>> params = {},
                std::multimap<std::string, std::string> query = {}) {
        net::HttpRequest r;
        r.body = std::move(body);
        r.query = std::move(query);
        PathParams p;
        for (auto& [k, v] : params) p.add(k, v);
        return decode(CommandInput{r, p, caller_});
    }
    static v1::HubCommand command(const Decoded& d) {
        if (const auto* e = std::get_if<v1::ErrorBody>(&d)) {
            ADD_FAILURE() << "refused: " << v1::ErrorCode_Name(e->code()) << ": " << e->message();
            return {};
        }
        return std::get<v1::HubCommand>(d);
    }
    static v1::ErrorCode code(const Decoded& d) {
        const auto* e = std::get_if<v1::ErrorBody>(&d);
        EXPECT_TRUE(e) << "accepted: " << std::get<v1::HubCommand>(d).ShortDebugString();
        if (e) {
            EXPECT_FALSE(e->message().empty());
        }
        return e ? e->code() : v1::ERROR_CODE_UNSPECIFIED;
    }

    Claims caller_{.subject = "d-1", .role = Role::kDispatcher};
};

constexpr const char* kDrowning =
    R"({"kind":"ALERT_KIND_DROWNING","center":{"latitude":22.93,"longitude":113.89},"title":"Drowning","respondersWanted":3})";

TEST_F(Decoder, CreateAlertParsesAndValidatesTheBody) {
    const v1::HubCommand c = command(run(decode_create_alert, kDrowning));
    ASSERT_EQ(c.body_case(), v1::HubCommand::kCreateAlert);
    EXPECT_EQ(c.create_alert().request().kind(), v1::ALERT_KIND_DROWNING);
    EXPECT_EQ(c.create_alert().request().responders_wanted(), 3u);
    EXPECT_FALSE(c.has_caller()) << "the gateway sets the caller, after decoding";

    EXPECT_EQ(code(run(decode_create_alert, "{not json")), v1::ERROR_CODE_MALFORMED_MESSAGE);
    EXPECT_EQ(code(run(decode_create_alert, "")), v1::ERROR_CODE_MALFORMED_MESSAGE);
    EXPECT_EQ(code(run(decode_create_alert, R"({"kind":"ALERT_KIND_DROWNING","titel":"typo"})")),
              v1::ERROR_CODE_MALFORMED_MESSAGE);
    EXPECT_EQ(code(run(decode_create_alert, R"({"center":{"latitude":22.9,"longitude":113.9},"title":"x"})")),
              v1::ERROR_CODE_INVALID_ARGUMENT)
        << "kind is required";
    EXPECT_EQ(code(run(decode_create_alert,
                       R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":95,"longitude":113},"title":"x"})")),
              v1::ERROR_CODE_INVALID_COORDINATES);
    EXPECT_EQ(
        code(run(
            decode_create_alert,
            R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"x","photoUrl":"http://insecure"})")),
        v1::ERROR_CODE_INVALID_ARGUMENT);
    EXPECT_EQ(
        code(run(
            decode_create_alert,
            R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"x","requiredSkills":["Not A Skill"]})")),
        v1::ERROR_CODE_INVALID_ARGUMENT);
}

TEST_F(Decoder, UpdateAlertTakesItsIdFromThePath) {
    v1::HubCommand c =
        command(run(decode_update_alert, R"({"description":"red life jacket"})", {{"id", "dongguan-4"}}));
    ASSERT_EQ(c.body_case(), v1::HubCommand::kUpdateAlert);
    EXPECT_EQ(c.update_alert().request().alert_id(), "dongguan-4");
    EXPECT_EQ(c.update_alert().request().description(), "red life jacket");

    c = command(run(decode_update_alert, R"({"alertId":"dongguan-4","title":"t"})", {{"id", "dongguan-4"}}));
    EXPECT_EQ(c.update_alert().request().title(), "t");
    EXPECT_EQ(code(run(decode_update_alert, R"({"alertId":"dongguan-5","title":"t"})", {{"id", "dongguan-4"}})),
              v1::ERROR_CODE_INVALID_ARGUMENT);
    EXPECT_EQ(code(run(decode_update_alert, "{}", {{"id", "dongguan-4"}})), v1::ERROR_CODE_INVALID_ARGUMENT)
        << "nothing to change";
    EXPECT_EQ(code(run(decode_update_alert, R"({"clearArea":true})", {{"id", "dongguan-4"}})),
              v1::ERROR_CODE_INVALID_ARGUMENT);
    EXPECT_EQ(code(run(decode_update_alert, R"({"center":{"latitude":0,"longitude":500}})", {{"id", "dongguan-4"}})),
              v1::ERROR_CODE_INVALID_COORDINATES);
}

TEST_F(Decoder, ResolveAndCancelBecomeOneCloseCommand) {
    v1::HubCommand c = command(run(decode_resolve_alert, "", {{"id", "dongguan-1"}}));
    ASSERT_EQ(c.body_case(), v1::HubCommand::kCloseAlert);
    EXPECT_EQ(c.close_alert().alert_id(), "dongguan-1");
    EXPECT_EQ(c.close_alert().final_state(), v1::ALERT_STATE_RESOLVED);

    c = command(run(decode_resolve_alert, R"({"found":true,"message":"Rescued."})", {{"id", "dongguan-1"}}));
    EXPECT_EQ(c.close_alert().final_state(), v1::ALERT_STATE_RESOLVED_FOUND);
    EXPECT_EQ(c.close_alert().message(), "Rescued.");

    c = command(run(decode_cancel_alert, R"({"reason":"false alarm"})", {{"id", "dongguan-1"}}));
    EXPECT_EQ(c.close_alert().final_state(), v1::ALERT_STATE_CANCELLED);
    EXPECT_EQ(c.close_alert().message(), "false alarm");

    EXPECT_EQ(code(run(decode_cancel_alert, R"({"found":true})", {{"id", "dongguan-1"}})),
              v1::ERROR_CODE_MALFORMED_MESSAGE)
        << "a resolve body on cancel";
    const std::string long_reason = R"({"reason":")" + std::string(4001, 'x') + R"("})";
    EXPECT_EQ(code(run(decode_cancel_alert, long_reason, {{"id", "dongguan-1"}})), v1::ERROR_CODE_INVALID_ARGUMENT);
}

TEST_F(Decoder, PagesAndListFilters) {
    v1::HubCommand c = command(run(decode_list_alerts, "", {},
                                   {{"pageSize", "2"},
                                    {"pageToken", "40"},
                                    {"states", "ALERT_STATE_ACTIVE"},
                                    {"states", "ALERT_STATE_CANCELLED"},
                                    {"kinds", "ALERT_KIND_DROWNING"}}));
    ASSERT_EQ(c.body_case(), v1::HubCommand::kListAlerts);
    EXPECT_EQ(c.list_alerts().page().size(), 2u);
    EXPECT_EQ(c.list_alerts().page().offset(), 40u);
    ASSERT_EQ(c.list_alerts().states_size(), 2);
    EXPECT_EQ(c.list_alerts().states(1), v1::ALERT_STATE_CANCELLED);
    ASSERT_EQ(c.list_alerts().kinds_size(), 1);

    c = command(run(decode_list_alerts, "", {}, {}));
    EXPECT_EQ(c.list_alerts().page().size(), 0u) << "0: the hub's default";

    for (auto [name, value] :
         std::initializer_list<std::pair<const char*, const char*>>{{"pageSize", "5000"},
                                                                    {"pageSize", "-1"},
                                                                    {"pageSize", "2x"},
                                                                    {"pageToken", "abc"},
                                                                    {"states", "SOMETHING"},
                                                                    {"kinds", "ALERT_KIND_NOPE"}}) {
        EXPECT_EQ(code(run(decode_list_alerts, "", {}, {{name, value}})), v1::ERROR_CODE_INVALID_ARGUMENT)
            << name << "=" << value;
    }

    c = command(run(decode_list_audit, "", {{"id", "dongguan-2"}}, {{"pageSize", "7"}}));
    ASSERT_EQ(c.body_case(), v1::HubCommand::kListAudit);
    EXPECT_EQ(c.list_audit().alert_id(), "dongguan-2");
    EXPECT_EQ(c.list_audit().page().size(), 7u);
    EXPECT_EQ(command(run(decode_list_recipients, "", {{"id", "a"}})).body_case(), v1::HubCommand::kListRecipients);
    EXPECT_EQ(command(run(decode_list_responses, "", {{"id", "a"}})).body_case(), v1::HubCommand::kListResponses);
    EXPECT_EQ(code(run(decode_list_responses, "", {{"id", "a"}}, {{"pageToken", "x"}})),
              v1::ERROR_CODE_INVALID_ARGUMENT);
}

TEST_F(Decoder, PathIdsArePrintableUtf8OfBoundedLength) {
    EXPECT_EQ(command(run(decode_get_alert, "", {{"id", "dongguan-1"}})).get_alert().alert_id(), "dongguan-1");
    EXPECT_EQ(command(run(decode_get_alert, "", {{"id", "\xE9\xBE\x99\xE8\x88\x9F-1"}})).get_alert().alert_id(),
              "\xE9\xBE\x99\xE8\x88\x9F-1")
        << "UTF-8 names are ids too";
    EXPECT_TRUE(std::holds_alternative<v1::HubCommand>(run(decode_get_alert, "", {{"id", std::string(128, 'a')}})));
    for (const std::string& bad : {std::string(129, 'a'), std::string("a\0b", 3), std::string("a\x01"),
                                   std::string("a\x7f"), std::string("a\n"), std::string("\xff\xfe"),
                                   std::string("\xC0\xAF"),      // overlong '/'
                                   std::string("\xED\xA0\x80"),  // a surrogate
                                   std::string("\xE9\xBE"),      // truncated
                                   std::string("\xC2\x85")}) {   // C1 control (NEL)
        EXPECT_EQ(code(run(decode_get_alert, "", {{"id", bad}})), v1::ERROR_CODE_INVALID_ARGUMENT) << bad.size();
        EXPECT_EQ(
            code(run(decode_put_device, R"({"position":{"location":{"latitude":1,"longitude":1}}})", {{"id", bad}})),
            v1::ERROR_CODE_INVALID_ARGUMENT);
    }
}

TEST_F(Decoder, ErrorMessagesStayValidUtf8WhateverTheRequestHeld) {
    EXPECT_EQ(echo("ALERT_STATE_NOPE"), "ALERT_STATE_NOPE");
    EXPECT_TRUE(printable_utf8(echo("\xff\xfe")));
    EXPECT_TRUE(printable_utf8(echo(std::string(500, 'a'))));
    const Decoded d = run(decode_list_alerts, "", {}, {{"states", "\xff"}});
    ASSERT_TRUE(std::holds_alternative<v1::ErrorBody>(d));
    EXPECT_TRUE(printable_utf8(std::get<v1::ErrorBody>(d).message())) << std::get<v1::ErrorBody>(d).message();
    const Decoded s = run(decode_confirm_sighting, "", {{"id", "a"}, {"sighting", "\xc3"}});
    ASSERT_TRUE(std::holds_alternative<v1::ErrorBody>(s));
    EXPECT_TRUE(printable_utf8(std::get<v1::ErrorBody>(s).message()));
}

TEST_F(Decoder, SightingIdsAreNumbers) {
    const v1::HubCommand c = command(run(decode_confirm_sighting, "", {{"id", "dongguan-1"}, {"sighting", "12"}}));
    ASSERT_EQ(c.body_case(), v1::HubCommand::kConfirmSighting);
    EXPECT_EQ(c.confirm_sighting().alert_id(), "dongguan-1");
    EXPECT_EQ(c.confirm_sighting().sighting_id(), 12u);
    for (const char* bad : {"x", "-1", "1.5", "99999999999999999999999"}) {
        EXPECT_EQ(code(run(decode_confirm_sighting, "", {{"id", "dongguan-1"}, {"sighting", bad}})),
                  v1::ERROR_CODE_NOT_FOUND)
            << bad;
    }
}

TEST_F(Decoder, Devices) {
    v1::HubCommand c = command(
        run(decode_put_device, R"({"name":"Lake hut 7","position":{"location":{"latitude":22.93,"longitude":113.89}}})",
            {{"id", "hut-7"}}));
    ASSERT_EQ(c.body_case(), v1::HubCommand::kPutDevice);
    EXPECT_EQ(c.put_device().device().id(), "hut-7");
    EXPECT_EQ(c.put_device().device().name(), "Lake hut 7");
    EXPECT_EQ(
        code(run(decode_put_device, R"({"position":{"location":{"latitude":99,"longitude":0}}})", {{"id", "hut-8"}})),
        v1::ERROR_CODE_INVALID_COORDINATES);
    EXPECT_EQ(command(run(decode_list_devices, "")).body_case(), v1::HubCommand::kListDevices);
    EXPECT_EQ(command(run(decode_get_device, "", {{"id", "hut-7"}})).get_device().device_id(), "hut-7");
    EXPECT_EQ(code(run(decode_get_device, "", {{"id", std::string(5000, 'x')}})), v1::ERROR_CODE_INVALID_ARGUMENT);
    // Fields this server does not act on are refused, not silently dropped.
    EXPECT_EQ(code(run(decode_put_device,
                       R"({"position":{"location":{"latitude":1,"longitude":1}},"policy":{"autoCreate":false}})",
                       {{"id", "hut-8"}})),
              v1::ERROR_CODE_INVALID_ARGUMENT);

    caller_ = Claims{.subject = "hut-7", .role = Role::kDevice};
    c = command(run(decode_trigger_device, "", {{"id", "hut-7"}}));
    ASSERT_EQ(c.body_case(), v1::HubCommand::kTriggerDevice);
    EXPECT_EQ(c.trigger_device().trigger().device_id(), "hut-7");
    c = command(run(decode_trigger_device, R"({"kind":"DEVICE_TRIGGER_KIND_DOOR_OPENED"})", {{"id", "hut-7"}}));
    EXPECT_EQ(c.trigger_device().trigger().kind(), v1::DEVICE_TRIGGER_KIND_DOOR_OPENED);
    EXPECT_EQ(code(run(decode_trigger_device, "", {{"id", "hut-8"}})), v1::ERROR_CODE_FORBIDDEN_ROLE);
    EXPECT_EQ(code(run(decode_trigger_device, R"({"deviceId":"hut-8"})", {{"id", "hut-7"}})),
              v1::ERROR_CODE_INVALID_ARGUMENT);
    EXPECT_EQ(code(run(decode_trigger_device, "{", {{"id", "hut-7"}})), v1::ERROR_CODE_MALFORMED_MESSAGE);
    EXPECT_EQ(code(run(decode_trigger_device, R"({"position":{"location":{"latitude":0,"longitude":200}}})",
                       {{"id", "hut-7"}})),
              v1::ERROR_CODE_INVALID_COORDINATES);
}

TEST_F(Decoder, AreasAboveTheVertexLimitAreRefusedBeforeAnyPolygonIsBuilt) {
    const std::string ring = R"({"latitude":0,"longitude":0},{"latitude":0,"longitude":1},)"
                             R"({"latitude":1,"longitude":1},{"latitude":0,"longitude":0})";
    const std::string body = R"({"kind":"ALERT_KIND_DISASTER","center":{"latitude":0.5,"longitude":0.7},)"
                             R"("title":"t","area":{"polygon":{"ring":[)" +
                             ring + "]}}}";
    net::HttpRequest r;
    r.body = body;
    PathParams p;
    EXPECT_EQ(std::get<v1::HubCommand>(decode_create_alert(CommandInput{r, p, caller_, 3})).body_case(),
              v1::HubCommand::kCreateAlert);
    const Decoded refused = decode_create_alert(CommandInput{r, p, caller_, 2});
    ASSERT_TRUE(std::holds_alternative<v1::ErrorBody>(refused));
    EXPECT_EQ(std::get<v1::ErrorBody>(refused).code(), v1::ERROR_CODE_INVALID_ARGUMENT);
    EXPECT_EQ(std::get<v1::ErrorBody>(refused).details().at("field"), "area");
}

}  // namespace
}  // namespace yihu::api
