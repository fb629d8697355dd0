#include <gtest/gtest.h>

#include "ops/config.h"

namespace yihu::ops {
namespace {

TEST(WebConfig, DefaultsServeNoPagesAndDebiansLeaflet) {
    Config c;
    EXPECT_TRUE(c.web.root.empty());
    EXPECT_EQ(c.web.leaflet_dir, "/usr/share/javascript/leaflet");
    EXPECT_TRUE(c.web.tile_url.empty());
}

TEST(WebConfig, ReadFromTheFile) {
    auto c = parse_config_toml(R"([web]
root = "/srv/yihu/web"
leaflet_dir = "/srv/yihu/leaflet"
tile_url = "https://tiles.dongguan.example/{z}/{x}/{y}.png"
)");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->web.root, "/srv/yihu/web");
    EXPECT_EQ(c->web.leaflet_dir, "/srv/yihu/leaflet");
    EXPECT_EQ(c->web.tile_url, "https://tiles.dongguan.example/{z}/{x}/{y}.png");
}

TEST(WebConfig, AMisspeltKeyIsAnError) {
    auto c = parse_config_toml("[web]\ntiles = \"x\"\n");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("tiles"), std::string::npos) << c.error().message;
}

}  // namespace
}  // namespace yihu::ops
