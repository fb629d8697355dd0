// The [cap] TOML table: kind rules before the defaults, geocodes with CAP shape text, limits and languages, and a
// clear error naming the key for anything malformed.

#include "federation/cap_config.h"

#include <gtest/gtest.h>

#include "federation/cap_text.h"
#include "federation/cap_time.h"

namespace yihu::federation {
namespace {

const core::Time kNow = parse_cap_time("2026-12-02T08:30:00+08:00").value();

TEST(CapConfig, NoCapTableGivesTheDefaults) {
    auto config = parse_cap_config("[server]\nport = 1\n");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->kinds.rules().size(), KindTable::defaults().rules().size());
    EXPECT_EQ(config->languages, std::vector<std::string>{"zh"});
    EXPECT_EQ(config->limits.max_bytes, 4u * 1024 * 1024);
}

TEST(CapConfig, RulesGeocodesAndLimitsDriveTheImport) {
    auto config = parse_cap_config(R"(
[cap]
languages = ["en", "zh"]
max_bytes = 65536
[[cap.kind]]
category = "Rescue"
event = "Drowning"
kind = "missing_person"
[[cap.geocode]]
value_name = "GB2260"
value = "371202"
circles = ["36.2,117.67 20"]
polygons = ["36.5,117.5 36.6,117.5 36.6,117.6"]
)");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->languages, (std::vector<std::string>{"en", "zh"}));
    EXPECT_EQ(config->limits.max_bytes, 65536u);
    testing::CapText t;
    auto drowning = import_cap(t.xml(), *config, kNow);
    ASSERT_TRUE(drowning) << drowning.error().message;
    EXPECT_EQ(drowning->kind, core::AlertKind::kMissingPerson);  // the configured rule comes before the defaults
    t.category = "Met";
    t.event = "Flood";
    EXPECT_EQ(import_cap(t.xml(), *config, kNow)->kind, core::AlertKind::kDisaster);  // defaults still follow
    t.areas = {
        "<area><areaDesc>Laiwu</areaDesc><geocode><valueName>GB2260</valueName><value>371202</value></geocode>"
        "</area>"};
    auto laiwu = import_cap(t.xml(), *config, kNow);
    ASSERT_TRUE(laiwu) << laiwu.error().message;
    ASSERT_TRUE(laiwu->area.has_value());
    ASSERT_NE(laiwu->area->shapes(), nullptr);
    EXPECT_EQ(laiwu->area->shapes()->part_count(), 2u);
}

TEST(CapConfig, WithoutDefaultsAnUnmatchedMessageIsRefused) {
    auto config =
        parse_cap_config("[cap]\ndefault_kinds = false\n[[cap.kind]]\nevent = \"Drowning\"\nkind = \"drowning\"\n");
    ASSERT_TRUE(config) << config.error().message;
    testing::CapText t;
    EXPECT_TRUE(import_cap(t.xml(), *config, kNow));
    t.event = "Storm";
    EXPECT_FALSE(import_cap(t.xml(), *config, kNow));
}

TEST(CapConfig, MalformedEntriesNameTheirKey) {
    auto message = [](const char* toml) {
        auto r = parse_cap_config(toml);
        EXPECT_FALSE(r) << toml;
        return r ? std::string() : r.error().message;
    };
    EXPECT_NE(message("[cap]\n[[cap.kind]]\nkind = \"flood\"\n").find("cap.kind[0]: unknown kind 'flood'"),
              std::string::npos);
    EXPECT_NE(message("[cap]\n[[cap.geocode]]\nvalue_name = \"a\"\nvalue = \"b\"\n").find("cap.geocode[0]"),
              std::string::npos);
    EXPECT_NE(message("[cap]\n[[cap.geocode]]\nvalue_name = \"a\"\nvalue = \"b\"\ncircles = [\"95,1 2\"]\n")
                  .find("cap.geocode[0].circles[0]"),
              std::string::npos);
    EXPECT_NE(message("[cap]\nmax_bytes = 10\n").find("cap.max_bytes"), std::string::npos);
    EXPECT_NE(message("[cap]\nlanguage = [\"zh\"]\n").find("unknown key 'language'"), std::string::npos);
    EXPECT_NE(message("[cap\n").find("line 1"), std::string::npos);
}

}  // namespace
}  // namespace yihu::federation
