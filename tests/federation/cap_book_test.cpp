// CAP Alert / Update / Cancel chains through the real importer: which alert each message acts on, duplicates,
// stale updates, references to other senders, and messages after a Cancel.

#include "federation/cap_book.h"

#include <gtest/gtest.h>

#include "federation/cap_text.h"
#include "federation/cap_time.h"

namespace yihu::federation {
namespace {

using Kind = CapBook::Decision::Kind;
using testing::CapText;

const core::Time kNow = parse_cap_time("2026-12-02T08:30:00+08:00").value();
constexpr const char* kSender = "alerts@jinan.example.cn";

ImportedCap imported(const std::string& identifier, const std::string& type, const std::string& sent,
                     const std::string& references = "") {
    CapText t;
    t.identifier = identifier;
    t.msg_type = type;
    t.sent = sent;
    t.references = references;
    t.with_info = type != "Cancel";
    auto r = import_cap(t.xml(), CapImportConfig{}, kNow);
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(*r) : ImportedCap{};
}

std::string ref(const std::string& identifier, const std::string& sent) {
    return std::string(kSender) + "," + identifier + "," + sent;
}

// Decides and, when the decision acts, records it as the caller would after applying it.
CapBook::Decision apply(CapBook& book, const ImportedCap& m, const std::string& new_id = "") {
    auto d = book.decide(m);
    EXPECT_TRUE(d) << d.error().message;
    if (!d) return {Kind::kDuplicate, {}};
    book.record(m, *d, d->kind == Kind::kCreate ? new_id : d->alert_id);
    return *d;
}

TEST(CapBook, AlertUpdateUpdateCancelChainActsOnOneAlert) {
    CapBook book;
    const auto a1 = imported("a1", "Alert", "2026-12-02T08:00:00+08:00");
    const auto d1 = apply(book, a1, "jinan-7");
    EXPECT_EQ(d1.kind, Kind::kCreate);

    const auto u1 = imported("u1", "Update", "2026-12-02T08:05:00+08:00", ref("a1", "2026-12-02T08:00:00+08:00"));
    const auto d2 = apply(book, u1);
    EXPECT_EQ(d2.kind, Kind::kUpdate);
    EXPECT_EQ(d2.alert_id, "jinan-7");

    // A second update references only the first update, as many senders do.
    const auto u2 = imported("u2", "Update", "2026-12-02T08:10:00+08:00", ref("u1", "2026-12-02T08:05:00+08:00"));
    const auto d3 = apply(book, u2);
    EXPECT_EQ(d3.kind, Kind::kUpdate);
    EXPECT_EQ(d3.alert_id, "jinan-7");

    // The same message again, and the first alert again: duplicates of what was applied.
    EXPECT_EQ(book.decide(u1)->kind, Kind::kDuplicate);
    const auto again = book.decide(a1);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->kind, Kind::kDuplicate);
    EXPECT_EQ(again->alert_id, "jinan-7");

    // An update sent before u2 that arrives after it is superseded.
    const auto late = imported("u-late", "Update", "2026-12-02T08:07:00+08:00", ref("a1", "2026-12-02T08:00:00+08:00"));
    EXPECT_EQ(apply(book, late).kind, Kind::kStale);

    const auto c = imported("c1", "Cancel", "2026-12-02T08:20:00+08:00", ref("u2", "2026-12-02T08:10:00+08:00"));
    const auto d4 = apply(book, c);
    EXPECT_EQ(d4.kind, Kind::kCancel);
    EXPECT_EQ(d4.alert_id, "jinan-7");

    const auto after = imported("u3", "Update", "2026-12-02T08:25:00+08:00", ref("a1", "2026-12-02T08:00:00+08:00"));
    auto closed = book.decide(after);
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().code, core::ErrorCode::kAlertClosed);
    EXPECT_EQ(book.decide(c)->kind, Kind::kDuplicate);  // a repeated Cancel is harmless
}

TEST(CapBook, ReferencesToUnknownOrOtherSendersMessagesFindNothing) {
    CapBook book;
    apply(book, imported("a1", "Alert", "2026-12-02T08:00:00+08:00"), "jinan-1");
    const auto unknown =
        imported("u1", "Update", "2026-12-02T08:05:00+08:00", ref("nope", "2026-12-02T08:00:00+08:00"));
    auto r = book.decide(unknown);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kUnknownAlert);
    EXPECT_NE(r.error().message.find(kSender), std::string::npos);

    // Another sender naming our sender's message cannot cancel it.
    CapText t;
    t.sender = "mallory@example.org";
    t.identifier = "c1";
    t.msg_type = "Cancel";
    t.with_info = false;
    t.references = ref("a1", "2026-12-02T08:00:00+08:00");
    auto foreign = import_cap(t.xml(), CapImportConfig{}, kNow);
    ASSERT_TRUE(foreign) << foreign.error().message;
    auto refused = book.decide(*foreign);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, core::ErrorCode::kUnknownAlert);
}

TEST(CapBook, AnUpdateNamingTwoAlertsIsRefused) {
    CapBook book;
    apply(book, imported("a1", "Alert", "2026-12-02T08:00:00+08:00"), "jinan-1");
    apply(book, imported("a2", "Alert", "2026-12-02T08:00:00+08:00"), "jinan-2");
    const auto both = imported("u1", "Update", "2026-12-02T08:05:00+08:00",
                               ref("a1", "2026-12-02T08:00:00+08:00") + " " + ref("a2", "2026-12-02T08:00:00+08:00"));
    auto r = book.decide(both);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, core::ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace yihu::federation
