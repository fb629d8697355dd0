// What the hub writes of an alert: its record only when the alert changed. Deliveries and acknowledgements touch
// only their recipients, so an alert with a large area is not written again (megabytes each time) for every phone
// that acknowledges it; what is written, and restored, is still the whole alert with its area.

#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <numbers>

#include "failing_store.h"
#include "node_harness.h"

namespace yihu::testing {
namespace {

// A ring of `n` vertices around the lake, `radius_deg` away (closed: the first vertex again at the end).
std::string ring_area_alert_json(std::size_t n, double radius_deg) {
    std::string ring;
    char buffer[96];
    for (std::size_t i = 0; i <= n; ++i) {
        const double t = 2 * std::numbers::pi * static_cast<double>(i % n) / static_cast<double>(n);
        std::snprintf(buffer, sizeof buffer, R"(%s{"latitude":%.7f,"longitude":%.7f})", i ? "," : "",
                      kLake.lat + radius_deg * std::sin(t), kLake.lon + radius_deg * std::cos(t));
        ring += buffer;
    }
    return R"({"kind":"ALERT_KIND_DISASTER","center":{"latitude":22.93,"longitude":113.89},)"
           R"("title":"Flood: leave the lake shore","area":{"polygon":{"ring":[)" +
           ring + "]}}}";
}

class AlertRecordWrites : public NodeTest {
  protected:
    void SetUp() override { open(); }

    void open() {
        ops::Config c = test_config(dir_.path());
        auto seen = [this](const store::WriteBatch& batch) {
            std::lock_guard lock(mutex_);
            for (const store::AlertRecord& a : batch.alerts) written_.emplace_back(a.id, a.snapshot.size());
        };
        node_ = std::make_unique<app::Node>(
            c, [seen](const ops::Config& config) -> core::Result<std::unique_ptr<store::Store>> {
                auto inner = store::open_sqlite_store(config.store.data_dir);
                if (!inner) return inner.error();
                return std::unique_ptr<store::Store>(
                    std::make_unique<FailingStore>(std::move(inner).value(), std::make_shared<CommitFailures>(), seen));
            });
        auto s = node_->start();
        ASSERT_TRUE(s) << s.error().message;
        http_ = std::make_unique<client::HttpClient>("127.0.0.1", node_->port());
        dispatcher_ = mint(node_->token_secret(), api::Role::kDispatcher, "d-1");
    }

    // Sizes of the records written for `id` so far, in order.
    std::vector<std::size_t> records_of(const std::string& id) {
        std::lock_guard lock(mutex_);
        std::vector<std::size_t> sizes;
        for (const auto& [alert, size] : written_) {
            if (alert == id) sizes.push_back(size);
        }
        return sizes;
    }

    std::mutex mutex_;
    std::vector<std::pair<std::string, std::size_t>> written_;
};

TEST_F(AlertRecordWrites, AcknowledgementsDoNotRewriteALargeAreaAndChangesStillStoreItWhole) {
    constexpr std::size_t kVertices = 4'000;
    auto anna = phone("anna", near_lake(200, 0));
    auto bo = phone("bo", near_lake(400, 90), {"swimmer"}, true);
    const v1::Alert alert = create(ring_area_alert_json(kVertices, 0.02));
    ASSERT_FALSE(alert.id().empty());
    const std::vector<std::size_t> at_create = records_of(alert.id());
    ASSERT_FALSE(at_create.empty()) << "the create's batch is durable before its answer";
    EXPECT_GT(at_create.back(), kVertices * 18) << "the record holds the whole area (two doubles a vertex)";

    // Both phones get it and acknowledge; each ack's reply comes after its batch is durable.
    for (Phone* p : {anna.get(), bo.get()}) {
        auto push = p->next_of(v1::ServerMessage::kAlert);
        ASSERT_TRUE(push.has_value());
        v1::ClientMessage ack;
        ack.mutable_ack()->set_seq(push->alert().seq());
        ASSERT_TRUE(is_ok(p->request(ack)));
    }
    auto recipients = call("GET", "/v1/alerts/" + alert.id() + "/recipients");
    ASSERT_EQ(recipients.status, 200u) << recipients.body;
    v1::RecipientsResponse list;
    ASSERT_TRUE(api::parse_json(recipients.body, list).ok());
    ASSERT_EQ(list.recipients_size(), 2);
    for (const auto& r : list.recipients()) EXPECT_TRUE(r.has_acked_at()) << r.volunteer_id();
    EXPECT_EQ(records_of(alert.id()).size(), at_create.size())
        << "deliveries and acknowledgements wrote the alert's record again";

    // A change is written once, whole.
    auto patched = call("PATCH", "/v1/alerts/" + alert.id(), R"({"description":"Water rising on the east shore"})");
    ASSERT_EQ(patched.status, 200u) << patched.body;
    const std::vector<std::size_t> after_patch = records_of(alert.id());
    ASSERT_EQ(after_patch.size(), at_create.size() + 1);
    EXPECT_GT(after_patch.back(), at_create.back());

    // What was written restores: the area, the change and the acknowledgements.
    anna.reset();
    bo.reset();
    http_.reset();
    node_.reset();
    open();
    auto detail = call("GET", "/v1/alerts/" + alert.id());
    ASSERT_EQ(detail.status, 200u) << detail.body.substr(0, 300);
    v1::AlertDetail restored;
    ASSERT_TRUE(api::parse_json(detail.body, restored).ok());
    EXPECT_EQ(restored.alert().area().polygon().ring_size(), static_cast<int>(kVertices + 1));
    EXPECT_EQ(restored.alert().description(), "Water rising on the east shore");
    recipients = call("GET", "/v1/alerts/" + alert.id() + "/recipients");
    ASSERT_EQ(recipients.status, 200u) << recipients.body;
    ASSERT_TRUE(api::parse_json(recipients.body, list).ok());
    ASSERT_EQ(list.recipients_size(), 2);
    for (const auto& r : list.recipients()) EXPECT_TRUE(r.has_acked_at()) << r.volunteer_id();
}

}  // namespace
}  // namespace yihu::testing
