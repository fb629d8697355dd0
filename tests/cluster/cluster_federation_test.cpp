// Federation in a cluster (docs/cluster.md, "Federation"): Dongguan runs three yihu-server processes on one Redis,
// Huizhou one process of its own. Only Dongguan's leader links to Huizhou; its outbox lives in Redis, so when the
// leader is killed with -9 the next leader sends what Huizhou never acknowledged, and Huizhou's sighting waiting
// for a Dongguan leader reaches the one after.

#include <fstream>
#include <map>

#include "cluster_harness.h"
#include "server/federation_harness.h"

namespace yihu::testing {
namespace {

const core::geo::LatLng kDongguan{23.02, 113.75};
const core::geo::LatLng kHuizhou{23.11, 114.42};
const core::geo::LatLng kBorder{23.05, 114.05};     // alerts here reach both cities
const core::geo::LatLng kVolunteer{23.06, 114.12};  // a Huizhou volunteer inside every alert below
constexpr const char* kHuizhouSecret = "secret-of-huizhou-0123456789abcdef";

std::uint64_t seq_of(const v1::ServerMessage& m) {
    if (m.has_alert()) return m.alert().seq();
    if (m.has_alert_update()) return m.alert_update().seq();
    if (m.has_alert_closed()) return m.alert_closed().seq();
    return 0;
}

class ClusterFederationTest : public ClusterTest {
  protected:
    void SetUp() override {
        ClusterTest::SetUp();
        huizhou_port_ = client::free_loopback_port();
        const auto dongguan_config = dir_.path() / "dongguan.toml";
        std::ofstream(dongguan_config) << "[federation]\nkey = \"peer-key-of-dongguan\"\nkey_id = \"dg-1\"\n"
                                       << peer_table("huizhou", "ws://127.0.0.1:" + std::to_string(huizhou_port_),
                                                     kHuizhou, "hz-1");
        node_args_ = {"--config", dongguan_config.string()};
    }
    void TearDown() override {
        if (huizhou_.pid() != 0 && !huizhou_stopped_) {
            EXPECT_EQ(huizhou_.stop(), 0) << "huizhou's exit code";
        }
        if (HasFailure()) std::cerr << "huizhou log (kept): " << huizhou_log() << "\n";
        ClusterTest::TearDown();
    }

    static std::string peer_table(const std::string& name, const std::string& url, core::geo::LatLng at,
                                  const std::string& key_id) {
        std::ostringstream o;
        o << "[[peer]]\nname = \"" << name << "\"\nurl = \"" << url << "\"\nkey = \"peer-key-of-" << name
          << "\"\nkey_id = \"" << key_id << "\"\ncoverage_circles = [[" << at.lat << ", " << at.lon << ", 30000]]\n";
        return o.str();
    }
    std::filesystem::path huizhou_log() const { return dir_.path() / "huizhou.log"; }

    // Huizhou dials every Dongguan node in turn (one url list); only the leader takes the link.
    void start_huizhou() {
        const auto config = dir_.path() / "huizhou.toml";
        if (!std::filesystem::exists(config)) {
            std::string urls;
            for (std::size_t i = 0; i < nodes_.size(); ++i) {
                urls += (i ? "," : "") + std::string("ws://127.0.0.1:") + std::to_string(port(i));
            }
            std::ofstream(config) << "[server]\ncity = \"huizhou\"\nport = " << huizhou_port_ << "\n"
                                  << "[store]\ndata_dir = \"" << (dir_.path() / "huizhou").string() << "\"\n"
                                  << "[auth]\ntoken_secret = \"" << kHuizhouSecret << "\"\n"
                                  << "[log]\nlevel = \"debug\"\n"
                                  << "[federation]\nkey = \"peer-key-of-huizhou\"\nkey_id = \"hz-1\"\n"
                                  << peer_table("dongguan", urls, kDongguan, "dg-1");
        }
        huizhou_stopped_ = false;
        huizhou_ = client::ChildProcess({YIHU_SERVER_BINARY, "--config", config.string()}, huizhou_log());
        ASSERT_TRUE(wait_for_readyz(huizhou_port_, 20s, 200, [&] { return huizhou_.running(); }))
            << "huizhou did not come up; log " << huizhou_log();
    }
    client::HttpClient::Reply huizhou(std::string_view method, std::string_view target) {
        client::HttpClient http("127.0.0.1", huizhou_port_);
        return http.request(method, target, {}, mint(kHuizhouSecret, api::Role::kDispatcher, "d-hz"), 5s);
    }
    std::unique_ptr<Phone> huizhou_phone(std::uint64_t last_seq, const std::string& epoch, v1::Welcome* welcome) {
        auto p = std::make_unique<Phone>(huizhou_port_, false);
        *welcome = p->hello(mint(kHuizhouSecret, api::Role::kVolunteer, "hz-volunteer", {"swimmer"}), kVolunteer,
                            last_seq, epoch);
        return p;
    }

    // A node of Dongguan other than `not_this` that answers (any node takes a dispatcher's call).
    std::size_t any_node_but(int not_this) {
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            if (static_cast<int>(i) != not_this && !nodes_[i].killed) return i;
        }
        return 0;
    }
    v1::Alert create(std::size_t node, const std::string& title) {
        auto r = call(port(node), "POST", "/v1/alerts",
                      circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 25'000, title));
        EXPECT_EQ(r.status, 201u) << r.body;
        v1::Alert a;
        EXPECT_TRUE(api::parse_json(r.body, a).ok()) << r.body;
        return a;
    }
    void retitle(std::size_t node, const std::string& id, const std::string& title) {
        auto r = call(port(node), "PATCH", "/v1/alerts/" + id, R"({"title":")" + title + R"("})");
        EXPECT_EQ(r.status, 200u) << r.body;
    }
    std::optional<v1::AlertDetail> detail_at_dongguan(std::size_t node, const std::string& id) {
        auto r = call(port(node), "GET", "/v1/alerts/" + id);
        v1::AlertDetail d;
        if (r.status != 200 || !api::parse_json(r.body, d).ok()) return std::nullopt;
        return d;
    }
    std::optional<v1::AlertDetail> detail_at_huizhou(const std::string& id) {
        try {
            auto r = huizhou("GET", "/v1/alerts/" + id);
            v1::AlertDetail d;
            if (r.status != 200 || !api::parse_json(r.body, d).ok()) return std::nullopt;
            return d;
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    long long outbox_size() { return std::atoll(master_cli("HLEN 'yihu:{dongguan}:outbox'").c_str()); }

    // Reads the phone until it has been quiet for `quiet` (bounded by `limit`), acknowledging every push.
    static std::vector<v1::ServerMessage> drain(Phone& phone, std::chrono::milliseconds quiet,
                                                std::chrono::milliseconds limit) {
        std::vector<v1::ServerMessage> out;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            auto m = phone.next(quiet);
            if (!m) break;
            if (const std::uint64_t seq = seq_of(*m)) phone.ack(seq);
            out.push_back(*m);
        }
        return out;
    }
    // Waits for a new leader other than `old` that is ready; its index, or -1.
    int wait_new_leader(int old) {
        int now = -1;
        eventually(20s, [&] {
            now = leader();
            return now >= 0 && now != old && readyz(static_cast<std::size_t>(now)) == 200;
        });
        return now != old ? now : -1;
    }

    std::uint16_t huizhou_port_ = 0;
    client::ChildProcess huizhou_;
    bool huizhou_stopped_ = false;
};

TEST_F(ClusterFederationTest, FederationOutboxSurvivesLeaderKillNineAndReachesThePeerOnce) {
    ASSERT_NO_FATAL_FAILURE(start_cluster(3));
    ASSERT_NO_FATAL_FAILURE(start_huizhou());
    v1::Welcome welcome;
    auto volunteer = huizhou_phone(0, "", &welcome);

    // The link is up: an alert raised in Dongguan reaches Huizhou's volunteer.
    const v1::Alert first = create(0, "Missing: man, 78, grey cap");
    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 20s);
    ASSERT_TRUE(push.has_value()) << "the link between Dongguan's leader and Huizhou never came up";
    EXPECT_EQ(push->alert().alert().id(), first.id());
    volunteer->ack(push->alert().seq());
    const std::uint64_t seen_seq = push->alert().seq();
    const int old_leader = leader();
    ASSERT_GE(old_leader, 0);

    // A follower takes no link: 503 before the upgrade, so the peer's dialer moves on to the next node.
    try {
        client::WsClient::connect(
            "127.0.0.1", port(any_node_but(old_leader)), "/v1/federation", 5s,
            {{"Authorization", "Bearer " + mint("peer-key-of-huizhou", api::Role::kPeer, "huizhou")}});
        ADD_FAILURE() << "a follower took a federation link";
    } catch (const client::WsUpgradeRefused& e) {
        EXPECT_EQ(e.status(), 503u) << e.what();
    }

    // Huizhou goes away; Dongguan keeps raising and changing alerts (through a follower: the relay path), so the
    // outbox in Redis fills with creations, updates and a close.
    volunteer.reset();
    huizhou_stopped_ = true;
    ASSERT_EQ(huizhou_.stop(), 0);
    const std::size_t via = any_node_but(old_leader);
    std::map<std::string, std::string> titles;  // alert id -> its latest title
    titles[first.id()] = "Missing: man, 78, grey cap, last seen at the bus station";
    retitle(via, first.id(), titles[first.id()]);
    std::vector<std::string> created;
    for (int i = 0; i < 3; ++i) {
        const v1::Alert a = create(via, "Missing: child " + std::to_string(i));
        created.push_back(a.id());
        titles[a.id()] = a.title();
    }
    titles[created[0]] = "Missing: child 0, red coat";
    retitle(via, created[0], titles[created[0]]);
    titles[created[1]] = "Missing: child 1, blue shoes";
    retitle(via, created[1], "Missing: child 1, blue");
    retitle(via, created[1], titles[created[1]]);
    // The close goes to the alert Huizhou's volunteer already holds: the close push waits in Huizhou's store for
    // the phone whenever it comes back. (An alert both raised and closed while the phone is away would reach
    // nobody: a restarted city knows no positions until its phones say hello.)
    auto cancelled = call(port(via), "POST", "/v1/alerts/" + first.id() + ":cancel", R"({"reason":"found"})");
    ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
    // 1 update + 3 forwards + 3 updates + 1 close, all acknowledged to the dispatcher, so all in Redis.
    EXPECT_GE(outbox_size(), 8) << "the outbox is not in Redis";
    std::map<std::string, std::uint64_t> versions;  // what Huizhou must end with
    for (const auto& [id, title] : titles) {
        auto d = detail_at_dongguan(via, id);
        ASSERT_TRUE(d.has_value()) << id;
        versions[id] = d->alert().version();
        EXPECT_EQ(d->alert().title(), title);
    }

    // The leader dies with its links; another node takes over, loads the outbox and, once Huizhou is back, sends it.
    kill_node(static_cast<std::size_t>(old_leader));
    const int new_leader = wait_new_leader(old_leader);
    ASSERT_GE(new_leader, 0) << "no node took over";
    ASSERT_NO_FATAL_FAILURE(start_huizhou());
    volunteer = huizhou_phone(seen_seq, welcome.epoch(), &welcome);

    ASSERT_TRUE(eventually(30s, [&] {
        for (const auto& [id, version] : versions) {
            auto d = detail_at_huizhou(id);
            if (!d || d->alert().version() != version) return false;
        }
        return true;
    })) << "Huizhou never caught up with every alert at its latest version";
    for (const auto& [id, title] : titles) {
        auto d = detail_at_huizhou(id);
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(d->alert().title(), title) << id;
        EXPECT_EQ(d->alert().origin(), "dongguan") << id;
    }
    const auto first_at_huizhou = detail_at_huizhou(first.id());
    ASSERT_TRUE(first_at_huizhou.has_value()) << first.id() << " is not served by Huizhou";
    EXPECT_EQ(first_at_huizhou->alert().state(), v1::ALERT_STATE_CANCELLED);
    EXPECT_TRUE(eventually(15s, [&] { return outbox_size() == 0; }))
        << "the new leader never saw Huizhou's acknowledgements; " << outbox_size() << " left";

    // Huizhou's volunteer: one AlertPush per alert it had not heard of, none again for the first (heard before the
    // kill), one close for it, whatever the new leader sent twice.
    std::vector<v1::ServerMessage> got = volunteer->skipped;
    for (auto& m : drain(*volunteer, 2s, 20s)) got.push_back(std::move(m));
    std::map<std::string, int> pushes, closes;
    for (const auto& m : got) {
        if (m.has_alert()) ++pushes[m.alert().alert().id()];
        if (m.has_alert_closed()) ++closes[m.alert_closed().alert_id()];
    }
    EXPECT_EQ(pushes[first.id()], 0) << "notified twice of the alert it had before the failover";
    for (const std::string& id : created) EXPECT_EQ(pushes[id], 1) << id << " pushed " << pushes[id] << " times";
    EXPECT_EQ(closes[first.id()], 1);

    // The other way: Huizhou's sighting, sent while Dongguan has no leader, reaches the next one, once.
    kill_node(static_cast<std::size_t>(new_leader));
    v1::ClientMessage sighting;
    sighting.mutable_sighting()->set_alert_id(created[0]);  // still active
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_latitude(kVolunteer.lat);
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_longitude(kVolunteer.lon);
    sighting.mutable_sighting()->set_text("a child in a red coat at the ferry");
    ASSERT_TRUE(is_ok(volunteer->request(sighting)));
    const int last_leader = wait_new_leader(new_leader);
    ASSERT_GE(last_leader, 0) << "no node took over the second time";
    std::optional<v1::AlertDetail> seen;
    ASSERT_TRUE(eventually(30s, [&] {
        seen = detail_at_dongguan(static_cast<std::size_t>(last_leader), created[0]);
        return seen && seen->counts().sightings() >= 1;
    })) << "Huizhou's sighting never reached Dongguan's third leader";
    EXPECT_EQ(seen->counts().sightings(), 1u) << "the sighting was counted twice";
    auto audit = call(port(static_cast<std::size_t>(last_leader)), "GET", "/v1/alerts/" + created[0] + "/audit");
    EXPECT_NE(audit.body.find("peer:huizhou"), std::string::npos) << audit.body;
}

// A leader that stops gracefully closes its links (1013) before its hub stops; the next leader links and carries on.
TEST_F(ClusterFederationTest, FederationLinksMoveToTheNextLeaderWhenTheLeaderStepsDown) {
    ASSERT_NO_FATAL_FAILURE(start_cluster(2));
    ASSERT_NO_FATAL_FAILURE(start_huizhou());
    v1::Welcome welcome;
    auto volunteer = huizhou_phone(0, "", &welcome);
    const v1::Alert before = create(0, "Missing: man, 80, walking stick");
    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 20s);
    ASSERT_TRUE(push.has_value()) << "the link never came up";
    volunteer->ack(push->alert().seq());

    const int old_leader = leader();
    ASSERT_GE(old_leader, 0);
    EXPECT_EQ(nodes_[static_cast<std::size_t>(old_leader)].process.stop(), 0);
    const int new_leader = wait_new_leader(old_leader);
    ASSERT_GE(new_leader, 0) << "no node took over";
    const v1::Alert after = create(static_cast<std::size_t>(new_leader), "Missing: girl, 9, yellow umbrella");
    retitle(static_cast<std::size_t>(new_leader), before.id(), "Missing: man, 80, walking stick, green scarf");
    auto second = volunteer->next_of(v1::ServerMessage::kAlert, 20s);
    ASSERT_TRUE(second.has_value()) << "the next leader never linked to Huizhou";
    EXPECT_EQ(second->alert().alert().id(), after.id());
    volunteer->ack(second->alert().seq());
    auto updated = volunteer->next_of(v1::ServerMessage::kAlertUpdate, 20s);
    ASSERT_TRUE(updated.has_value()) << "the update of the alert forwarded by the old leader never arrived";
    EXPECT_EQ(updated->alert_update().alert().id(), before.id());
    volunteer->ack(updated->alert_update().seq());
    std::vector<v1::ServerMessage> got = volunteer->skipped;
    for (auto& m : drain(*volunteer, 1s, 10s)) got.push_back(std::move(m));
    for (const auto& m : got) EXPECT_FALSE(m.has_alert()) << "notified twice: " << m.DebugString();
}

}  // namespace
}  // namespace yihu::testing
