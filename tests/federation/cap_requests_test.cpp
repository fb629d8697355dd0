// Imported CAP messages as the dispatcher API's typed requests (what POST /v1/cap/alerts hands the hub).

#include "federation/cap_requests.h"

#include <gtest/gtest.h>

#include "federation/cap_text.h"
#include "federation/cap_time.h"

namespace yihu::federation {
namespace {

const core::Time kNow = parse_cap_time("2026-12-02T08:30:00+08:00").value();

TEST(CapRequests, AnAlertBecomesACreateRequestWithItsIdempotencyKey) {
    testing::CapText t;
    t.areas = {
        "<area><areaDesc>Lake</areaDesc><circle>36.675,117.02 1.5</circle><circle>36.2,117.67 3</circle></area>"};
    auto m = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_TRUE(m) << m.error().message;
    const v1::CreateAlertRequest r = to_create_request(*m, kNow);
    EXPECT_EQ(r.kind(), v1::ALERT_KIND_DROWNING);
    EXPECT_EQ(r.idempotency_key(), "cap:alerts@jinan.example.cn,msg-1");
    EXPECT_EQ(r.title(), "Person in the water at Daming Lake");
    EXPECT_EQ(r.severity(), v1::SEVERITY_SEVERE);
    EXPECT_EQ(r.certainty(), v1::CERTAINTY_OBSERVED);
    ASSERT_EQ(r.area().shape_case(), v1::Area::kShapes);
    EXPECT_EQ(r.area().shapes().circles_size(), 2);
    EXPECT_DOUBLE_EQ(r.area().shapes().circles(1).radius_m(), 3000);
    EXPECT_EQ(r.expires_in().seconds(), 3 * 3600 + 30 * 60);  // 12:00 expiry, 08:30 now
    EXPECT_FALSE(r.exercise());
}

TEST(CapRequests, UpdateAndCancelNameTheAlertTheBookFound) {
    testing::CapText t;
    t.msg_type = "Update";
    t.references = "alerts@jinan.example.cn,msg-0,2026-12-02T07:00:00+08:00";
    t.headline = "Now at the south gate";
    auto update = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_TRUE(update) << update.error().message;
    const v1::UpdateAlertRequest u = to_update_request(*update, "jinan-7");
    EXPECT_EQ(u.alert_id(), "jinan-7");
    EXPECT_EQ(u.title(), "Now at the south gate");
    ASSERT_EQ(u.area().shape_case(), v1::Area::kCircle);
    EXPECT_FALSE(u.has_expires_at()) << "an open alert's expiry cannot change: the dispatcher API would refuse it";

    t.msg_type = "Cancel";
    t.with_info = false;
    auto cancel = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_TRUE(cancel) << cancel.error().message;
    EXPECT_EQ(to_cancel_request(*cancel, "jinan-7").reason(), "Cancelled by alerts@jinan.example.cn");
    t.note = "False alarm";
    EXPECT_EQ(to_cancel_request(*import_cap(t.xml(), CapImportConfig{}, kNow), "jinan-7").reason(), "False alarm");
}

}  // namespace
}  // namespace yihu::federation
