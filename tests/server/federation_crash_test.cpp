// Federation across kill -9 (docs/federation.md, "Delivery guarantees"): yihu-server processes for Laiwu and Jinan;
// either is killed with SIGKILL mid-stream and restarted on the same data; nothing is lost and nobody is notified
// twice.

#include <signal.h>

#include <fstream>

#include "federation_harness.h"
#include "support/readiness.h"

namespace yihu::testing {
namespace {

class FederationCrashTest : public ::testing::Test {
  protected:
    struct Process {
        std::string name;
        std::uint16_t port = 0;
        client::ChildProcess process;
        std::filesystem::path config;
        std::filesystem::path log;
        bool killed = false;
    };

    void SetUp() override {
        for (const char* name : {"laiwu", "jinan"}) {
            Process& p = cities_[name];
            p.name = name;
            p.port = free_loopback_port();
            p.config = dir_.path() / (p.name + ".toml");
            p.log = dir_.path() / (p.name + ".log");
        }
        write_config("laiwu", "jinan");
        write_config("jinan", "laiwu");
    }
    void TearDown() override {
        for (auto& [name, p] : cities_) {
            if (!p.killed && p.process.pid() != 0) {
                EXPECT_EQ(p.process.stop(), 0) << name << " exit code";
            }
        }
        if (HasFailure()) {
            dir_.keep();
            for (auto& [name, p] : cities_) std::cerr << name << " log (kept): " << p.log << "\n";
        }
    }

    void write_config(const std::string& name, const std::string& peer) {
        const CityPlace& place = city_places().at(peer);
        std::ofstream out(cities_[name].config);
        out << "[server]\ncity = \"" << name << "\"\nport = " << cities_[name].port << "\n"
            << "[store]\ndata_dir = \"" << (dir_.path() / name).string() << "\"\n"
            << "[auth]\ntoken_secret = \"secret-of-" << name << "\"\n"
            << "[log]\nlevel = \"debug\"\n"
            << "[federation]\nkey = \"" << peer_key(name) << "\"\nkey_id = \"k1\"\n"
            << "[[peer]]\nname = \"" << peer << "\"\nurl = \"ws://127.0.0.1:" << cities_[peer].port << "\"\n"
            << "key = \"" << peer_key(peer) << "\"\nkey_id = \"k1\"\n"
            << "coverage_circles = [[" << place.center.lat << ", " << place.center.lon << ", " << place.coverage_m
            << "]]\n";
    }

    void start(const std::string& name) {
        Process& p = cities_.at(name);
        p.killed = false;
        p.process = client::ChildProcess({YIHU_SERVER_BINARY, "--config", p.config.string()}, p.log);
        if (!wait_for_readyz(p.port, 20s, 200, [&] { return p.process.running(); })) {
            FAIL() << name << " did not come up; log " << p.log;
        }
    }
    void kill_hard(const std::string& name) {
        cities_.at(name).killed = true;
        cities_.at(name).process.kill_hard();
    }

    client::HttpClient::Reply call(const std::string& name, std::string_view method, std::string_view target,
                                   std::string_view body = {}) {
        client::HttpClient http("127.0.0.1", cities_.at(name).port);
        return http.request(method, target, body, mint("secret-of-" + name, api::Role::kDispatcher, "d-" + name));
    }
    std::string create(const std::string& name, const std::string& json) {
        auto r = call(name, "POST", "/v1/alerts", json);
        EXPECT_EQ(r.status, 201u) << r.body;
        v1::Alert a;
        EXPECT_TRUE(api::parse_json(r.body, a).ok()) << r.body;
        return a.id();
    }
    std::unique_ptr<Phone> phone(const std::string& name, const std::string& id, std::uint64_t last_seq,
                                 const std::string& epoch, v1::Welcome* welcome = nullptr) {
        auto p = std::make_unique<Phone>(cities_.at(name).port, false);
        auto w = p->hello(mint("secret-of-" + name, api::Role::kVolunteer, id, {"swimmer"}), {{36.55, 117.15}},
                          last_seq, epoch);
        if (welcome) *welcome = w;
        return p;
    }

    TempDir dir_;
    std::map<std::string, Process> cities_;
};

const core::geo::LatLng kBorder{36.50, 117.20};

TEST_F(FederationCrashTest, FederationSurvivesKillNineOfEitherSideWithoutLossOrDoubleNotice) {
    ASSERT_NO_FATAL_FAILURE(start("laiwu"));
    ASSERT_NO_FATAL_FAILURE(start("jinan"));
    v1::Welcome welcome;
    auto volunteer = phone("jinan", "jn-1", 0, "", &welcome);

    // The receiver dies; meanwhile the origin raises an alert and changes it: both wait in Laiwu's outbox.
    kill_hard("jinan");
    const std::string first = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 25'000));
    ASSERT_EQ(call("laiwu", "PATCH", "/v1/alerts/" + first, R"({"title":"Missing: man, 78, grey cap"})").status, 200u);
    ASSERT_NO_FATAL_FAILURE(start("jinan"));
    volunteer = phone("jinan", "jn-1", 0, welcome.epoch());
    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 15s);
    ASSERT_TRUE(push.has_value()) << "the alert queued while Jinan was down never arrived";
    EXPECT_EQ(push->alert().alert().id(), first);
    volunteer->ack(push->alert().seq());
    // The update may arrive as the first state or as an update; either way it arrives.
    if (push->alert().alert().title() != "Missing: man, 78, grey cap") {
        auto update = volunteer->next_of(v1::ServerMessage::kAlertUpdate, 15s);
        ASSERT_TRUE(update.has_value());
        EXPECT_EQ(update->alert_update().alert().title(), "Missing: man, 78, grey cap");
        volunteer->ack(update->alert_update().seq());
    }

    // The origin dies right after raising a second alert; restarted, it sends what is still unacknowledged.
    const std::string second =
        create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 26'000, "Missing: girl, 6, red coat"));
    kill_hard("laiwu");
    ASSERT_NO_FATAL_FAILURE(start("laiwu"));
    auto second_push = volunteer->next_of(v1::ServerMessage::kAlert, 15s);
    ASSERT_TRUE(second_push.has_value()) << "the second alert was lost";
    EXPECT_EQ(second_push->alert().alert().id(), second);
    volunteer->ack(second_push->alert().seq());

    // Both cities restarted and re-sent their outboxes: still one AlertPush per alert.
    ASSERT_EQ(call("laiwu", "POST", "/v1/alerts/" + second + ":cancel", R"({"reason":"found"})").status, 200u);
    auto closed = volunteer->next_of(v1::ServerMessage::kAlertClosed, 15s);
    ASSERT_TRUE(closed.has_value());
    for (const auto& m : volunteer->skipped) EXPECT_FALSE(m.has_alert()) << "notified twice: " << m.DebugString();
    EXPECT_FALSE(volunteer->next_of(v1::ServerMessage::kAlert, 300ms).has_value()) << "notified twice";
}

}  // namespace
}  // namespace yihu::testing
