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

namespace yihu::federation {
namespace {

// What a restarted node does: the entries record() returned, replayed in another order into a fresh book, decide
// every message as the original book does.
TEST(CapBook, RestoredFromItsEntriesInAnyOrderDecidesTheSame) {
    CapBook book;
    std::vector<CapBook::Entry> entries;
    auto keep = [&](const ImportedCap& m, const std::string& new_id = "") {
        auto d = book.decide(m);
        ASSERT_TRUE(d) << d.error().message;
        auto entry = book.record(m, *d, d->kind == Kind::kCreate ? new_id : d->alert_id);
        ASSERT_TRUE(entry.has_value()) << "every acting decision leaves an entry to store";
        entries.push_back(*entry);
    };
    const auto a1 = imported("a1", "Alert", "2026-12-02T08:00:00+08:00");
    const auto u1 = imported("u1", "Update", "2026-12-02T08:05:00+08:00", ref("a1", "2026-12-02T08:00:00+08:00"));
    const auto late = imported("u0", "Update", "2026-12-02T08:01:00+08:00", ref("a1", "2026-12-02T08:00:00+08:00"));
    const auto b1 = imported("b1", "Alert", "2026-12-02T08:02:00+08:00");
    const auto c1 = imported("c1", "Cancel", "2026-12-02T08:09:00+08:00", ref("b1", "2026-12-02T08:02:00+08:00"));
    keep(a1, "jinan-1");
    keep(u1);
    keep(late);
    keep(b1, "jinan-2");
    keep(c1);
    ASSERT_EQ(entries.size(), 5u);
    EXPECT_EQ(entries[2].kind, Kind::kStale);
    EXPECT_FALSE(book.record(a1, *book.decide(a1), "jinan-1").has_value()) << "a duplicate adds nothing";

    CapBook restored;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) restored.restore(*it);
    EXPECT_EQ(restored.size(), book.size());
    const auto u2 = imported("u2", "Update", "2026-12-02T08:06:00+08:00", ref("u0", "2026-12-02T08:01:00+08:00"));
    const auto u3 = imported("u3", "Update", "2026-12-02T08:03:00+08:00", ref("a1", "2026-12-02T08:00:00+08:00"));
    const auto b2 = imported("b2", "Update", "2026-12-02T08:10:00+08:00", ref("b1", "2026-12-02T08:02:00+08:00"));
    for (const ImportedCap* m : {&a1, &u1, &late, &b1, &c1, &u2, &u3, &b2}) {
        auto want = book.decide(*m);
        auto got = restored.decide(*m);
        ASSERT_EQ(want.ok(), got.ok()) << m->key.identifier;
        if (want) {
            EXPECT_EQ(got->kind, want->kind) << m->key.identifier;
            EXPECT_EQ(got->alert_id, want->alert_id) << m->key.identifier;
        } else {
            EXPECT_EQ(got.error().code, want.error().code) << m->key.identifier;
        }
    }
    EXPECT_EQ(restored.decide(u2)->kind, Kind::kUpdate) << "u0 (stale) is still part of a1's chain";
    EXPECT_EQ(restored.decide(u3)->kind, Kind::kStale) << "u1's sent time is remembered";
    EXPECT_EQ(restored.decide(b2).error().code, core::ErrorCode::kAlertClosed) << "the Cancel is remembered";
}

}  // namespace
}  // namespace yihu::federation
