// A failed store commit: the batch is answered 503, nothing of it reaches a phone, and the node rebuilds its memory
// from the store and becomes ready again, agreeing with the store (docs/server.md, "Durability"). On SQLite and on
// a real redis-server.

#include <gtest/gtest.h>

#include "api/codec/push_ref.h"
#include "failing_store.h"
#include "node_harness.h"
#include "store_backend.h"

namespace yihu::testing {
namespace {

class StoreFailureTest : public NodeTest, public ::testing::WithParamInterface<Backend> {
  protected:
    void SetUp() override { start_node(); }

    void start_node() {
        ops::Config c = test_config(dir_.path());
        auto failures = failures_;
        const Backend backend = GetParam();
        const std::string prefix = "yihu-test:{" + dir_.path().filename().string() + "}";
        node_ = std::make_unique<app::Node>(
            c, [failures, backend, prefix](const ops::Config& config) -> core::Result<std::unique_ptr<store::Store>> {
                core::Result<std::unique_ptr<store::Store>> inner = open_backend(backend, config, prefix);
                if (!inner) return inner.error();
                return std::unique_ptr<store::Store>(
                    std::make_unique<FailingStore>(std::move(inner).value(), failures));
            });
        auto s = node_->start();
        ASSERT_TRUE(s) << s.error().message;
        http_ = std::make_unique<client::HttpClient>("127.0.0.1", node_->port());
        dispatcher_ = mint(node_->token_secret(), api::Role::kDispatcher, "d-1");
    }

    bool ready_within(std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            if (call("GET", "/readyz").status == 200) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    std::vector<std::string> alert_ids() {
        v1::ListAlertsResponse list;
        auto r = call("GET", "/v1/alerts");
        EXPECT_EQ(r.status, 200u) << r.body;
        EXPECT_TRUE(api::parse_json(r.body, list)) << r.body;
        std::vector<std::string> ids;
        for (const auto& a : list.alerts()) ids.push_back(a.alert().id());
        return ids;
    }

    std::shared_ptr<CommitFailures> failures_ = std::make_shared<CommitFailures>();
};

TEST_P(StoreFailureTest, AFailedCommitIsRefusedUnsentAndTheNodeRebuildsFromTheStore) {
    auto anna = std::make_unique<Phone>(node_->port(), false);
    const v1::Welcome welcome = anna->hello(volunteer_token("anna"), near_lake(200, 0));
    const v1::Alert first = create(drowning_json());
    auto push = anna->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push.has_value());
    EXPECT_EQ(push->alert().seq(), 1u);
    // The ack is sent as a request so its reply, which comes after its batch's commit, says it is stored: armed
    // before that, the injected failure could hit the ack's batch instead of the POST's.
    v1::ClientMessage ack;
    ack.mutable_ack()->set_seq(1);
    auto acked = anna->request(ack);
    ASSERT_TRUE(acked.has_value()) << "no reply to the ack";
    ASSERT_TRUE(acked->has_ok()) << acked->DebugString();

    failures_->fail_nth(1);
    auto refused = call("POST", "/v1/alerts", drowning_json());
    EXPECT_EQ(refused.status, 503u) << refused.body;
    EXPECT_NE(refused.body.find("UNAVAILABLE"), std::string::npos) << refused.body;
    EXPECT_EQ(failures_->failed(), 1);

    // Nothing of the refused batch reaches the phone: the rebuild closes its session instead, so it resumes.
    while (auto m = anna->next(2s)) {
        EXPECT_FALSE(api::push_ref(*m).has_value()) << "an unconfirmed push was sent: " << m->DebugString();
    }
    EXPECT_TRUE(anna->ws().closed());

    ASSERT_TRUE(ready_within(10s)) << "the node did not become ready again";
    // Memory agrees with the store: the refused alert does not exist, and a cold start sees the same alerts.
    const std::vector<std::string> rebuilt = alert_ids();
    EXPECT_EQ(rebuilt, std::vector<std::string>{first.id()});

    // The phone resumes from the store's cursor: seq 2 was never stored, so it is given out again, once.
    auto again = std::make_unique<Phone>(node_->port(), false);
    const v1::Welcome resumed = again->hello(volunteer_token("anna"), near_lake(200, 0), 1, welcome.epoch());
    EXPECT_TRUE(resumed.recovered());
    EXPECT_EQ(resumed.current_seq(), 1u);
    const v1::Alert third = create(drowning_json());
    EXPECT_NE(third.id(), first.id());
    auto next = again->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->alert().seq(), 2u);
    EXPECT_EQ(next->alert().alert_id(), third.id());

    const std::vector<std::string> before_restart = alert_ids();
    http_.reset();
    node_.reset();
    start_node();
    EXPECT_EQ(alert_ids(), before_restart);
}

TEST_P(StoreFailureTest, AFailedAcknowledgementWriteIsNotConfirmedAndTheNodeRecovers) {
    auto anna = std::make_unique<Phone>(node_->port(), false);
    const v1::Welcome welcome = anna->hello(volunteer_token("anna"), near_lake(200, 0));
    create(drowning_json());
    auto push = anna->next_of(v1::ServerMessage::kAlert);
    ASSERT_TRUE(push.has_value());

    failures_->fail_nth(1);
    v1::ClientMessage ack;
    ack.mutable_ack()->set_seq(push->alert().seq());
    auto reply = anna->request(ack);
    ASSERT_TRUE(reply.has_value());
    ASSERT_TRUE(reply->has_error()) << reply->DebugString();
    EXPECT_EQ(reply->error().code(), v1::ERROR_CODE_UNAVAILABLE);
    ASSERT_TRUE(ready_within(10s));

    // Memory was rebuilt from the store's cursor, which the refused batch did not change.
    auto again = std::make_unique<Phone>(node_->port(), false);
    const v1::Welcome resumed = again->hello(volunteer_token("anna"), near_lake(200, 0), 1, welcome.epoch());
    EXPECT_TRUE(resumed.recovered());
    EXPECT_EQ(resumed.current_seq(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreFailureTest, ::testing::Values(Backend::kSqlite, Backend::kRedis),
                         [](const auto& info) { return backend_name(info.param); });

}  // namespace
}  // namespace yihu::testing
