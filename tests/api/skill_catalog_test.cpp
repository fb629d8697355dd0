#include "api/skill_catalog.h"

#include <gtest/gtest.h>

#include "core/alert/alert_policy.h"

namespace yihu::api {
namespace {

TEST(SkillCatalog, FixedSkillsMatchTheCoresDefaultPolicies) {
    SkillCatalog catalog;
    EXPECT_EQ(*catalog.find("water_rescue"), core::kSkillWaterRescue);
    EXPECT_EQ(*catalog.find("swimmer"), core::kSkillSwimmer);
    EXPECT_EQ(*catalog.find("first_aid"), core::kSkillFirstAid);
}

TEST(SkillCatalog, AddsNewNamesAndMapsBothWays) {
    SkillCatalog catalog;
    const auto boat = catalog.bit("boat");
    ASSERT_TRUE(boat);
    EXPECT_EQ(*boat, core::SkillSet{1} << 3);
    EXPECT_EQ(*catalog.bit("boat"), *boat) << "stable";
    const auto set = catalog.set_of({"swimmer", "boat", "drone"});
    ASSERT_TRUE(set);
    EXPECT_EQ(catalog.names_of(*set), (std::vector<std::string>{"swimmer", "boat", "drone"}));
    EXPECT_FALSE(catalog.find("sign_language"));
}

TEST(SkillCatalog, RejectsMalformedNamesAndOverflow) {
    SkillCatalog catalog;
    const std::string_view bad_names[] = {"", "Swimmer", "two words", "x;drop", "0123456789012345678901234567890123"};
    for (std::string_view bad : bad_names) {
        EXPECT_EQ(catalog.bit(bad).error().code, core::ErrorCode::kInvalidArgument) << bad;
    }
    for (int i = 0; catalog.size() < SkillCatalog::kCapacity; ++i) {
        // Built by append: GCC 12 at -O3 raises a false -Wrestrict on `"s" + std::to_string(i)`.
        std::string name = "s";
        name += std::to_string(i);
        ASSERT_TRUE(catalog.bit(name));
    }
    EXPECT_EQ(catalog.bit("one_too_many").error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_TRUE(catalog.bit("s0")) << "known names still resolve when full";
}

}  // namespace
}  // namespace yihu::api
