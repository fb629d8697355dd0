// A [[peer]] url naming several addresses (docs/federation.md, "Configuration"): the dialer moves to the next one
// after each failed dial. Laiwu can only reach Jinan through a dead address, and Jinan lists a dead address before
// Laiwu's real one, so the link exists only if Jinan's dialer moves on.

#include "federation_harness.h"

namespace yihu::testing {
namespace {

const core::geo::LatLng kBorder{36.50, 117.20};
const core::geo::LatLng kJinanVolunteer{36.55, 117.15};

TEST_F(FederationTest, FederationDialerTriesEachAddressOfAPeersUrlListInTurn) {
    const std::uint16_t dead = free_loopback_port();  // nobody listens there
    for (const std::string name : {"laiwu", "jinan"}) {
        City& c = cities_[name];
        c.name = name;
        c.port = free_loopback_port();
        ports_[name] = c.port;
    }
    cities_["laiwu"].peers = {"jinan"};
    cities_["jinan"].peers = {"laiwu"};
    for (const std::string name : {"laiwu", "jinan"}) {
        City& c = cities_.at(name);
        ops::Config config = city_config(c, ports_);
        ops::PeerConfig& peer = config.federation.peers.at(0);
        if (name == "laiwu") {
            peer.port = dead;
        } else {
            peer.more_endpoints = {{"127.0.0.1", peer.port}};
            peer.port = dead;
        }
        c.node = std::make_unique<app::Node>(config);
        auto s = c.node->start();
        ASSERT_TRUE(s) << name << ": " << s.error().message;
        c.http = std::make_unique<client::HttpClient>("127.0.0.1", c.port);
        c.dispatcher = mint(c.node->token_secret(), api::Role::kDispatcher, "d-" + name);
    }
    auto volunteer = city("jinan").phone("jn-1", kJinanVolunteer);
    const v1::Alert a = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 25'000));
    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 10s);
    ASSERT_TRUE(push.has_value()) << "Jinan never dialled Laiwu's second address";
    EXPECT_EQ(push->alert().alert().id(), a.id());
}

}  // namespace
}  // namespace yihu::testing
