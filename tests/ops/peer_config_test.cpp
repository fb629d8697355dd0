// [federation] and [[peer]] (ops/peer_config.h): what a city reads about its neighbours, and what it refuses.

#include <gtest/gtest.h>

#include "ops/config.h"

namespace yihu::ops {
namespace {

constexpr const char* kTwoPeers = R"(
[server]
city = "laiwu"
[federation]
key = "laiwu-key"
key_id = "lw-1"
[[peer]]
name = "jinan"
url = "ws://127.0.0.1:8081"
key = "jinan-key"
key_id = "jn-1"
coverage_circles = [[36.65, 117.0, 30000]]
kinds = ["missing_person", "missing_child"]
[[peer]]
name = "taian"
url = "wss://taian.example:9000/, wss://10.0.0.2:9001,wss://10.0.0.3:9002"
key = "taian-key"
key_id = "ta-1"
coverage_polygons = [[[36.0, 117.0], [36.4, 117.0], [36.4, 117.3], [36.0, 117.0]]]
)";

TEST(PeerConfig, ReadsPeersWithTheirCoverageKindsAndKeys) {
    auto c = parse_config_toml(kTwoPeers);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->federation.peers.size(), 2u);
    EXPECT_EQ(c->federation.key, "laiwu-key");
    EXPECT_EQ(c->federation.key_id, "lw-1");
    const PeerConfig& jinan = c->federation.peers[0];
    EXPECT_EQ(jinan.name, "jinan");
    EXPECT_EQ(jinan.host, "127.0.0.1");
    EXPECT_EQ(jinan.port, 8081);
    EXPECT_FALSE(jinan.tls);
    EXPECT_EQ(jinan.key, "jinan-key");
    ASSERT_EQ(jinan.circles.size(), 1u);
    EXPECT_EQ(jinan.circles[0].radius_m, 30000);
    EXPECT_EQ(jinan.kinds, (std::vector{core::AlertKind::kMissingPerson, core::AlertKind::kMissingChild}));
    const PeerConfig& taian = c->federation.peers[1];
    EXPECT_EQ(taian.host, "taian.example");
    EXPECT_EQ(taian.port, 9000);
    // A cluster's nodes: the dialer tries them in turn.
    EXPECT_EQ(taian.more_endpoints,
              (std::vector<std::pair<std::string, std::uint16_t>>{{"10.0.0.2", 9001}, {"10.0.0.3", 9002}}));
    EXPECT_TRUE(jinan.more_endpoints.empty());
    EXPECT_TRUE(taian.tls);
    ASSERT_EQ(taian.polygons.size(), 1u);
    EXPECT_EQ(taian.polygons[0].size(), 4u);
}

TEST(PeerConfig, RefusesWhatCannotWorkNamingTheKey) {
    const std::string base = R"([server]
city = "laiwu"
[federation]
key = "k"
key_id = "lw"
)";
    const std::string peer = R"([[peer]]
name = "jinan"
url = "ws://127.0.0.1:8081"
key = "jinan-key"
key_id = "jn-1"
coverage_circles = [[36.65, 117.0, 30000]]
)";
    struct Case {
        std::string toml;
        std::string says;
    };
    const std::vector<Case> cases = {
        {base + "[[peer]]\nname = \"jinan\"\nurl = \"ws://x:1\"\nkey = \"k\"\nkey_id = \"j\"\n", "coverage"},
        {base + peer + "colour = \"red\"\n", "unknown key 'colour'"},
        {base + "[[peer]]\nname = \"jinan\"\nurl = \"http://x:1\"\nkey = \"k\"\nkey_id = \"j\"\n"
                "coverage_circles = [[1, 2, 3]]\n",
         "ws://"},
        {base + "[[peer]]\nname = \"jinan\"\nurl = \"ws://x\"\nkey = \"k\"\nkey_id = \"j\"\ncoverage_circles = [[1, 2, "
                "3]]\n",
         "ws://host:port"},
        {base + "[[peer]]\nname = \"jinan\"\nurl = \"ws://x:1,ws://y\"\nkey = \"k\"\nkey_id = \"j\"\n"
                "coverage_circles = [[1, 2, 3]]\n",
         "ws://y"},
        {base + "[[peer]]\nname = \"jinan\"\nurl = \"wss://x:1,ws://y:2\"\nkey = \"k\"\nkey_id = \"j\"\n"
                "coverage_circles = [[1, 2, 3]]\n",
         "mixes ws:// and wss://"},
        {base + "[[peer]]\nname = \"ji nan\"\nurl = \"ws://x:1\"\nkey = \"k\"\nkey_id = \"j\"\n"
                "coverage_circles = [[1, 2, 3]]\n",
         "peer.name"},
        {base + "[[peer]]\nname = \"jinan\"\nurl = \"ws://x:1\"\nkey_id = \"j\"\ncoverage_circles = [[1, 2, 3]]\n",
         "peer.key"},
        {base + "[[peer]]\nname = \"jinan\"\nurl = \"ws://x:1\"\nkey = \"k\"\nkey_id = \"j\"\n"
                "coverage_circles = [[91, 2, 3]]\n",
         "coverage_circles[0]"},
        {base + "[[peer]]\nname = \"jinan\"\nurl = \"ws://x:1\"\nkey = \"k\"\nkey_id = \"j\"\n"
                "coverage_circles = [[1, 2, 3]]\nkinds = [\"flood\"]\n",
         "peer.kinds"},
        {base + peer + peer, "used by two peers"},
        {base + "[[peer]]\nname = \"laiwu\"\nurl = \"ws://x:1\"\nkey = \"k\"\nkey_id = \"j\"\n"
                "coverage_circles = [[1, 2, 3]]\n",
         "own city name"},
        {"[server]\ncity = \"laiwu\"\n" + peer, "federation.key"},
        {base + "[federation.x]\n", "unknown key"},
    };
    for (const Case& c : cases) {
        auto parsed = parse_config_toml(c.toml);
        ASSERT_FALSE(parsed) << c.toml;
        EXPECT_NE(parsed.error().message.find(c.says), std::string::npos)
            << "expected '" << c.says << "' in: " << parsed.error().message;
    }
}

}  // namespace
}  // namespace yihu::ops
