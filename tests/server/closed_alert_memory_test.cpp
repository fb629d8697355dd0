// Memory follows open work (docs/server.md, "Memory"): a closed alert leaves the hub once its closing commit is
// durable; dispatchers still read its detail, recipients, responses and audit trail (from the store) as they were,
// before and after a restart, which loads open alerts only; phones ack and resume its close notice as before; its
// number is never given again. On SQLite and on a real redis-server.

#include <gtest/gtest.h>

#include <thread>

#include "backend_node_test.h"

namespace yihu::testing {
namespace {

class ClosedAlertMemoryTest : public BackendNodeTest {
  protected:
    // /metrics is read off the hub thread, which updates it just after it answered: polled, bounded.
    bool metric_is(const std::string& line) {
        const auto deadline = std::chrono::steady_clock::now() + 3s;
        do {
            const auto body = http_->request("GET", "/metrics").body;
            if (body.find("\n" + line + "\n") != std::string::npos) return true;
            std::this_thread::sleep_for(10ms);
        } while (std::chrono::steady_clock::now() < deadline);
        return false;
    }

    // GET detail, recipients, responses and audit of an alert: the bodies, in that order.
    std::vector<std::string> history(const std::string& id) {
        std::vector<std::string> out;
        for (const char* part : {"", "/recipients?pageSize=200", "/responses?pageSize=200", "/audit?pageSize=200"}) {
            auto r = call("GET", "/v1/alerts/" + id + part);
            EXPECT_EQ(r.status, 200u) << part << ": " << r.body;
            out.push_back(r.body);
        }
        return out;
    }

    // The value of a counter line "name N" in /metrics (-1: absent).
    long long metric_value(const std::string& name) {
        const auto body = http_->request("GET", "/metrics").body;
        const auto at = body.find("\n" + name + " ");
        if (at == std::string::npos) return -1;
        return std::stoll(body.substr(at + name.size() + 2));
    }
};

// The error code of a reply (ERROR_CODE_UNSPECIFIED: no reply, or not an error).
v1::ErrorCode error_of(const std::optional<v1::ServerMessage>& reply) {
    return reply && reply->has_error() ? reply->error().code() : v1::ERROR_CODE_UNSPECIFIED;
}

std::optional<v1::ServerMessage> report_sighting(Phone& phone, const std::string& alert_id) {
    v1::ClientMessage m;
    m.mutable_sighting()->set_alert_id(alert_id);
    m.mutable_sighting()->mutable_position()->mutable_location()->set_latitude(22.94);
    m.mutable_sighting()->mutable_position()->mutable_location()->set_longitude(113.9);
    return phone.request(m);
}

std::uint64_t number_of(const std::string& id) {
    return std::stoull(id.substr(id.rfind('-') + 1));
}

TEST_P(ClosedAlertMemoryTest, ClosedAlertIsReadFromTheStoreAsItWasAndItsNumberIsNeverGivenAgain) {
    const auto at = near_lake(250, 20);
    auto p1 = phone("v-1", at);
    auto p2 = std::make_unique<Phone>(node_->port(), false);
    const std::string epoch = p2->hello(volunteer_token("v-2"), near_lake(300, 200)).epoch();
    ASSERT_FALSE(epoch.empty());
    const v1::Alert a = create(drowning_json(2));
    auto push1 = p1->next_of(v1::ServerMessage::kAlert);
    auto push2 = p2->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push1.has_value());
    ASSERT_TRUE(push2.has_value());
    auto ack_of = [](std::uint64_t seq) {
        v1::ClientMessage m;
        m.mutable_ack()->set_seq(seq);
        return m;
    };
    ASSERT_TRUE(is_ok(p1->request(ack_of(push1->alert().seq()))));
    ASSERT_TRUE(is_ok(p1->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)));
    ASSERT_TRUE(is_ok(p2->respond(a.id(), v1::RESPONSE_KIND_DECLINE)));
    const std::uint64_t p2_seen = push2->alert().seq();
    ASSERT_TRUE(is_ok(p2->request(ack_of(p2_seen))));
    ASSERT_TRUE(metric_is("yihu_alerts_in_memory 1"));
    const std::vector<std::string> open = history(a.id());
    p2->ws().abort();  // offline when the alert closes: resumes after it left memory
    p2.reset();

    auto resolved = call("POST", "/v1/alerts/" + a.id() + ":resolve", R"({"found":true,"message":"safe"})");
    ASSERT_EQ(resolved.status, 200u) << resolved.body;
    EXPECT_TRUE(metric_is("yihu_alerts_in_memory 0")) << "the closed alert is still in memory";
    EXPECT_TRUE(metric_is("yihu_alerts{state=\"closed\"} 1"));

    // Read back from the store: what the resolve answered, and what the open alert showed plus the close.
    const std::vector<std::string> closed = history(a.id());
    v1::AlertDetail detail;
    ASSERT_TRUE(api::parse_json(closed[0], detail));
    v1::Alert answered;
    ASSERT_TRUE(api::parse_json(resolved.body, answered));
    EXPECT_EQ(detail.alert().SerializeAsString(), answered.SerializeAsString()) << closed[0];
    EXPECT_EQ(detail.alert().state(), v1::ALERT_STATE_RESOLVED_FOUND);
    v1::AlertDetail open_detail;
    ASSERT_TRUE(api::parse_json(open[0], open_detail));
    EXPECT_EQ(detail.counts().SerializeAsString(), open_detail.counts().SerializeAsString());
    EXPECT_EQ(detail.counts().notified(), 2u);
    EXPECT_EQ(detail.counts().accepted(), 1u);
    EXPECT_EQ(detail.counts().declined(), 1u);
    EXPECT_EQ(closed[1], open[1]) << "recipients";
    EXPECT_EQ(closed[2], open[2]) << "responses";
    v1::AuditTrailResponse open_audit, closed_audit;
    ASSERT_TRUE(api::parse_json(open[3], open_audit));
    ASSERT_TRUE(api::parse_json(closed[3], closed_audit));
    ASSERT_GT(closed_audit.events_size(), open_audit.events_size());
    for (int i = 0; i < open_audit.events_size(); ++i) {
        EXPECT_EQ(closed_audit.events(i).SerializeAsString(), open_audit.events(i).SerializeAsString()) << i;
    }
    // A change of the closed alert is refused as before: it is closed, not unknown.
    auto patch = call("PATCH", "/v1/alerts/" + a.id(), R"({"description":"late"})");
    EXPECT_EQ(patch.status, 409u) << patch.body;
    EXPECT_NE(patch.body.find("ERROR_CODE_ALERT_CLOSED"), std::string::npos) << patch.body;

    // The phone online acks the close notice after the alert left memory.
    auto notice = p1->next_of(v1::ServerMessage::kAlertClosed);
    ASSERT_TRUE(notice.has_value());
    EXPECT_TRUE(is_ok(p1->request(ack_of(notice->alert_closed().seq()))));

    // The offline phone resumes: the close notice is replayed from the store.
    {
        Phone back(node_->port(), false);
        const v1::Welcome w = back.hello(volunteer_token("v-2"), std::nullopt, p2_seen, epoch);
        EXPECT_TRUE(w.recovered());
        auto replayed = back.next_of(v1::ServerMessage::kAlertClosed);
        ASSERT_TRUE(replayed.has_value()) << "the close notice was not replayed";
        EXPECT_EQ(replayed->alert_closed().alert_id(), a.id());
        EXPECT_TRUE(is_ok(back.request(ack_of(replayed->alert_closed().seq()))));
    }

    // Listed by a closed-state filter, and in the unfiltered list.
    auto listed = call("GET", "/v1/alerts?states=ALERT_STATE_RESOLVED_FOUND");
    ASSERT_EQ(listed.status, 200u) << listed.body;
    v1::ListAlertsResponse list;
    ASSERT_TRUE(api::parse_json(listed.body, list));
    ASSERT_EQ(list.alerts_size(), 1);
    EXPECT_EQ(list.alerts(0).SerializeAsString(), detail.SerializeAsString());
    auto active_only = call("GET", "/v1/alerts?states=ALERT_STATE_ACTIVE");
    ASSERT_TRUE(api::parse_json(active_only.body, list));
    EXPECT_EQ(list.alerts_size(), 0);

    const std::vector<std::string> before_restart = history(a.id());
    p1.reset();
    restart_node();
    EXPECT_TRUE(metric_is("yihu_alerts_in_memory 0")) << "a start loads open alerts only";
    EXPECT_TRUE(metric_is("yihu_alerts{state=\"closed\"} 1"));
    EXPECT_EQ(history(a.id()), before_restart);

    // Numbers continue after the closed alert's, which is not in memory.
    const v1::Alert next = create(drowning_json(1));
    EXPECT_GT(number_of(next.id()), number_of(a.id())) << next.id() << " after " << a.id();
    auto all = call("GET", "/v1/alerts");
    ASSERT_TRUE(api::parse_json(all.body, list));
    ASSERT_EQ(list.alerts_size(), 2);
    EXPECT_EQ(list.alerts(0).alert().id(), next.id());
    EXPECT_EQ(list.alerts(1).alert().id(), a.id());
    auto page2 = call("GET", "/v1/alerts?pageSize=1&pageToken=1");
    ASSERT_TRUE(api::parse_json(page2.body, list));
    ASSERT_EQ(list.alerts_size(), 1);
    EXPECT_EQ(list.alerts(0).alert().id(), a.id());
}

TEST_P(ClosedAlertMemoryTest, IdempotentRepeatOfAClosedAlertAnswersIt) {
    const std::string body =
        R"({"kind":"ALERT_KIND_GENERAL","center":{"latitude":22.9,"longitude":113.9},"title":"Flood","idempotencyKey":"k-closed"})";
    auto first = call("POST", "/v1/alerts", body);
    ASSERT_EQ(first.status, 201u) << first.body;
    v1::Alert x;
    ASSERT_TRUE(api::parse_json(first.body, x));
    ASSERT_EQ(call("POST", "/v1/alerts/" + x.id() + ":cancel", R"({})").status, 200u);
    ASSERT_TRUE(metric_is("yihu_alerts_in_memory 0"));
    auto again = call("POST", "/v1/alerts", body);
    EXPECT_EQ(again.status, 200u) << again.body;
    v1::Alert y;
    ASSERT_TRUE(api::parse_json(again.body, y));
    EXPECT_EQ(y.id(), x.id());
    EXPECT_EQ(y.state(), v1::ALERT_STATE_CANCELLED);
}

// A phone's late answer to an alert that closed and left memory is ALERT_CLOSED, as while it was in memory; an id that
// never existed is NOT_FOUND. Neither loads the alert back, and a repeated answer costs no store read per message
// (docs/server.md, "Memory").
TEST_P(ClosedAlertMemoryTest, PhoneAnswerToAClosedAlertThatLeftMemoryIsAlertClosed) {
    const std::string reads = "yihu_absent_alert_reads_total";
    const auto at = near_lake(250, 20);
    auto binary = phone("v-1", at);
    auto json = phone("v-2", near_lake(300, 200), {"swimmer"}, true);
    auto outsider = phone("v-3", std::nullopt);  // never a recipient
    const v1::Alert a = create(drowning_json(2));
    ASSERT_TRUE(binary->next_of(v1::ServerMessage::kAlert).has_value());
    ASSERT_TRUE(json->next_of(v1::ServerMessage::kAlert).has_value());
    ASSERT_TRUE(is_ok(binary->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)));
    // Open and in memory: an outsider is told the alert was not sent to it.
    EXPECT_EQ(error_of(outsider->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)), v1::ERROR_CODE_FORBIDDEN_ROLE);

    ASSERT_EQ(call("POST", "/v1/alerts/" + a.id() + ":resolve", R"({"found":true})").status, 200u);
    ASSERT_TRUE(metric_is("yihu_alerts_in_memory 0")) << "the closed alert is still in memory";
    const long long reads_before = metric_value(reads);
    ASSERT_GE(reads_before, 0);

    // The alert left memory just now: the hub remembers it closed, no store read.
    for (Phone* p : {binary.get(), json.get(), outsider.get()}) {
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(error_of(p->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)), v1::ERROR_CODE_ALERT_CLOSED);
            EXPECT_EQ(error_of(p->respond(a.id(), v1::RESPONSE_KIND_DECLINE)), v1::ERROR_CODE_ALERT_CLOSED);
            EXPECT_EQ(error_of(report_sighting(*p, a.id())), v1::ERROR_CODE_ALERT_CLOSED);
        }
    }
    EXPECT_EQ(metric_value(reads), reads_before);
    EXPECT_TRUE(metric_is("yihu_alerts_in_memory 0")) << "an answer loaded the alert back";

    // Ids that never existed: one above the highest number given costs no read; any other id one read, once.
    const std::string next_number = "dongguan-" + std::to_string(number_of(a.id()) + 1);
    for (Phone* p : {binary.get(), json.get()}) {
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(error_of(p->respond(next_number, v1::RESPONSE_KIND_ACCEPT)), v1::ERROR_CODE_NOT_FOUND);
            EXPECT_EQ(error_of(report_sighting(*p, "no-such-alert")), v1::ERROR_CODE_NOT_FOUND);
            EXPECT_EQ(error_of(p->respond("no-such-alert", v1::RESPONSE_KIND_ACCEPT)), v1::ERROR_CODE_NOT_FOUND);
        }
    }
    EXPECT_EQ(metric_value(reads), reads_before + 1);

    // After a restart the memo is empty: the closed alert is found in the store once, then remembered.
    binary.reset();
    json.reset();
    outsider.reset();
    restart_node();
    auto again = phone("v-1", at);
    auto again_json = phone("v-2", near_lake(300, 200), {"swimmer"}, true);
    const long long reads_after_restart = metric_value(reads);
    for (Phone* p : {again.get(), again_json.get()}) {
        EXPECT_EQ(error_of(p->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)), v1::ERROR_CODE_ALERT_CLOSED);
        EXPECT_EQ(error_of(report_sighting(*p, a.id())), v1::ERROR_CODE_ALERT_CLOSED);
        EXPECT_EQ(error_of(p->respond(next_number, v1::RESPONSE_KIND_DECLINE)), v1::ERROR_CODE_NOT_FOUND);
    }
    EXPECT_EQ(metric_value(reads), reads_after_restart + 1);
    EXPECT_TRUE(metric_is("yihu_alerts_in_memory 0")) << "an answer loaded the alert back";
}

INSTANTIATE_TEST_SUITE_P(Stores, ClosedAlertMemoryTest, ::testing::Values(Backend::kSqlite, Backend::kRedis),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace yihu::testing
