// Failures: the leader killed with -9 during a burst of alerts while its phones reconnect through a load balancer;
// a frozen leader; Redis down (not ready, 503, sockets closed with 1012, new sessions 1013) and back (resynchronised).

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "api/codec/push_ref.h"
#include "cluster/cluster_harness.h"
#include "cluster/resilient_phone.h"
#include "support/tcp_proxy.h"

namespace yihu::testing {
namespace {

std::string missing_person_json(const std::string& key, int n) {
    return R"({"kind":"ALERT_KIND_MISSING_PERSON","center":{"latitude":22.93,"longitude":113.89},"title":"Burst )" +
           std::to_string(n) + R"(","responders_wanted":1,"idempotency_key":")" + key + R"("})";
}

TEST_F(ClusterTest, LeaderKilledDuringABurstLosesNoAcknowledgedAlertAndPushesNoDuplicate) {
    start_cluster(3);
    TcpProxy balancer({port(0), port(1), port(2)});
    std::vector<std::unique_ptr<ResilientPhone>> phones;
    for (int i = 0; i < 24; ++i) {
        phones.push_back(std::make_unique<ResilientPhone>(balancer.port(), "v-" + std::to_string(i),
                                                          near_lake(100 + 30 * i, 15 * i)));
    }
    ASSERT_TRUE(eventually(15s, [&] {
        return std::all_of(phones.begin(), phones.end(), [](const auto& p) { return p->welcomes() > 0; });
    })) << "every phone is welcomed before the leader dies";

    const int victim = leader();
    ASSERT_GE(victim, 0);
    std::map<std::string, std::string> acknowledged;  // idempotency key -> alert id
    constexpr int kAlerts = 12;
    for (int n = 0; n < kAlerts; ++n) {
        if (n == 4) kill_node(static_cast<std::size_t>(victim));  // mid-burst, no goodbye
        const std::string key = "burst-" + std::to_string(n);
        const auto give_up = std::chrono::steady_clock::now() + 20s;
        while (std::chrono::steady_clock::now() < give_up && !acknowledged.count(key)) {
            try {
                auto r = call(balancer.port(), "POST", "/v1/alerts", missing_person_json(key, n));
                if (r.status == 201 || r.status == 200) {
                    v1::Alert a;
                    ASSERT_TRUE(api::parse_json(r.body, a).ok()) << r.body;
                    acknowledged[key] = a.id();
                    continue;
                }
                ASSERT_EQ(r.status, 503u) << "only 'unavailable, retry' is acceptable during a failover: " << r.body;
            } catch (const std::exception&) {
                // the connection died with the node: retry with the same key
            }
            std::this_thread::sleep_for(200ms);
        }
        ASSERT_TRUE(acknowledged.count(key)) << "alert " << n << " was never taken (leader " << leader() << ")";
    }
    std::set<std::string> ids;
    for (const auto& [key, id] : acknowledged) ids.insert(id);
    EXPECT_EQ(ids.size(), acknowledged.size()) << "one alert per idempotency key, retries included";
    EXPECT_NE(leader(), victim) << "another node leads";

    // Every acknowledged alert is kept, and every phone ends up with every alert: live or replayed on resume.
    for (const std::string& id : ids) {
        auto r = call(balancer.port(), "GET", "/v1/alerts/" + id);
        EXPECT_EQ(r.status, 200u) << id << " was acknowledged, so it must survive: " << r.body;
    }
    const auto settle = std::chrono::steady_clock::now() + 40s;
    for (auto& p : phones) {
        while (p->alert_ids() != ids && std::chrono::steady_clock::now() < settle) std::this_thread::sleep_for(20ms);
        EXPECT_EQ(p->alert_ids(), ids) << p->id() << " misses alerts (connected " << p->connects() << " times)";
        EXPECT_GE(p->connects(), 2) << p->id() << ": a new leader sends every phone to reconnect and resume";
        for (const auto& [alert, seqs] : p->alerts()) {
            EXPECT_EQ(seqs.size(), 1u) << p->id() << " got " << alert.first << " v" << alert.second
                                       << " under several seqs: a duplicate push";
        }
    }
}

// The gauge's value in a node's /metrics, or -1.
double gauge(std::uint16_t port, const std::string& name) {
    client::HttpClient http("127.0.0.1", port);
    const std::string body = http.request("GET", "/metrics", {}, {}, 2s).body;
    const auto at = body.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stod(body.substr(at + name.size() + 2));
}

// Waits (bounded) for the server to close the phone's socket; returns the close code, or 0 if it stayed open.
std::uint16_t close_code_of(Phone& p, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!p.ws().closed() && std::chrono::steady_clock::now() < deadline) p.ws().receive(100ms);
    return p.ws().closed() ? p.ws().close_code() : 0;
}

TEST_F(ClusterTest, RedisDownMeansNotReady503And1013ThenResyncWithTheNewAlert) {
    start_cluster(2);
    auto early = std::make_unique<Phone>(port(0), false);
    const std::string epoch =
        early->hello(mint(kClusterSecret, api::Role::kVolunteer, "v-early", {"swimmer"}), near_lake(200, 0)).epoch();
    ASSERT_FALSE(epoch.empty());
    auto first = call(port(1), "POST", "/v1/alerts", drowning_json(1));
    ASSERT_EQ(first.status, 201u) << first.body;
    v1::Alert before;
    ASSERT_TRUE(api::parse_json(first.body, before).ok());
    auto pushed = early->next_of(v1::ServerMessage::kAlert, 5s);
    ASSERT_TRUE(pushed);
    EXPECT_EQ(pushed->alert().alert_id(), before.id());
    early->ack(pushed->alert().seq());
    const std::uint64_t last_seq = pushed->alert().seq();

    redis_->kill_hard();
    // The relay lost its subscription: frames for this socket could be lost from now on, so it is closed with 1012
    // and the phone resumes from the store later.
    EXPECT_EQ(close_code_of(*early, 10s), 1012) << "a relay without its subscription closes its sockets";
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_TRUE(wait_ready(i, 15s, 503)) << nodes_[i].id << " must report not ready without Redis";
    }
    auto refused = call(port(1), "POST", "/v1/alerts", drowning_json(1));
    EXPECT_EQ(refused.status, 503u) << refused.body;
    EXPECT_NE(refused.body.find("UNAVAILABLE"), std::string::npos) << refused.body;
    expect_one_retry_after(refused);
    // A new session has nobody to serve it: 1013, try again later.
    {
        Phone late(port(0), false);
        v1::ClientMessage hello;
        hello.set_request_id(1);
        hello.mutable_hello()->set_token(mint(kClusterSecret, api::Role::kVolunteer, "v-early", {"swimmer"}));
        hello.mutable_hello()->set_protocol_version(1);
        late.send(hello);
        EXPECT_EQ(close_code_of(late, 10s), 1013) << "a Hello while Redis is away is closed with 'try again later'";
        EXPECT_NE(late.ws().close_reason().find("; retry_after_ms="), std::string::npos)
            << "a 1013 close says when to come back, so that a storm of reconnects spreads out: "
            << late.ws().close_reason();
    }

    redis_->start();  // same port, same AOF: everything acknowledged is there
    for (std::size_t i = 0; i < 2; ++i) EXPECT_TRUE(wait_ready(i, 20s)) << nodes_[i].id << " must recover";
    auto kept = call(port(0), "GET", "/v1/alerts/" + before.id());
    EXPECT_EQ(kept.status, 200u) << kept.body;
    auto after = call(port(0), "POST", "/v1/alerts", drowning_json(1));
    ASSERT_EQ(after.status, 201u) << after.body;
    v1::Alert created;
    ASSERT_TRUE(api::parse_json(after.body, created).ok());
    // The phone resumes where it was (no position: only the stored history can give it the alert) and gets exactly
    // the new alert, next in its sequence: the cluster matched it while it was away, from its last known position.
    auto again = std::make_unique<Phone>(port(1), false);
    const v1::Welcome w = again->hello(mint(kClusterSecret, api::Role::kVolunteer, "v-early", {"swimmer"}),
                                       std::nullopt, last_seq, epoch);
    EXPECT_TRUE(w.recovered()) << "Redis kept the history: a true resume";
    auto push = again->next_of(v1::ServerMessage::kAlert, 5s);
    ASSERT_TRUE(push) << "the new alert reaches the phone after the resync";
    EXPECT_EQ(push->alert().alert_id(), created.id());
    EXPECT_EQ(push->alert().seq(), last_seq + 1);
}

TEST_F(ClusterTest, NewLeaderMatchesAPhoneThatIsNotBackYetAsTheOldOneWould) {
    start_cluster(3);
    const int old_leader = leader();
    ASSERT_GE(old_leader, 0);
    const std::size_t holder = (static_cast<std::size_t>(old_leader) + 1) % 3;
    const std::size_t survivor = (static_cast<std::size_t>(old_leader) + 2) % 3;
    auto quiet = phone(port(holder), "v-standby", near_lake(250, 120));
    // Either follower may succeed the leader: both must have had the leader's standby batch with the phone's position.
    for (std::size_t i : {holder, survivor}) {
        ASSERT_TRUE(eventually(10s, [&] { return gauge(port(i), "yihu_cluster_standby_positions") == 1; }))
            << nodes_[i].id << " never received the leader's standby batch with the phone's position";
    }

    kill_node(static_cast<std::size_t>(old_leader));
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while ((leader() < 0 || leader() == old_leader || readyz(survivor) != 200) &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_NE(leader(), old_leader) << "no successor within 15 s";
    ASSERT_EQ(readyz(survivor), 200u);
    EXPECT_EQ(close_code_of(*quiet, 10s), 1012) << "a new term closes the sockets the old leader served with 1012";
    // The phone was told to reconnect (1012) and has not yet: one node alone would still match it (its position is
    // fresh), so the cluster must too. Until the successor listens, 503 says "retry", which a dispatcher does.
    auto r = call(port(survivor), "POST", "/v1/alerts", drowning_json(1));
    while (r.status == 503 && std::chrono::steady_clock::now() < deadline + 10s) {
        std::this_thread::sleep_for(200ms);
        r = call(port(survivor), "POST", "/v1/alerts", drowning_json(1));
    }
    ASSERT_EQ(r.status, 201u) << r.body;
    v1::Alert alert;
    ASSERT_TRUE(api::parse_json(r.body, alert).ok());
    auto recipients = call(port(survivor), "GET", "/v1/alerts/" + alert.id() + "/recipients");
    ASSERT_EQ(recipients.status, 200u) << recipients.body;
    EXPECT_NE(recipients.body.find("v-standby"), std::string::npos)
        << "the successor's index lacks a volunteer the old leader had: " << recipients.body;

    // When the phone does come back, the push is waiting for it.
    auto back = phone(port(survivor), "v-standby", near_lake(250, 120));
    auto push = back->next_of(v1::ServerMessage::kAlert, 5s);
    ASSERT_TRUE(push);
    EXPECT_EQ(push->alert().alert_id(), alert.id());
}

TEST_F(ClusterTest, AMessageThatReachesNoLeaderMarksTheNodeNotReadyAtOnce) {
    // A long lease: the dead leader's lease outlives the checks below even on a slow machine, and while it is in
    // Redis nobody else can lead, so "not ready" is the only right answer (checked, not assumed, below).
    start_cluster(2, "8s");
    const int old_leader = leader();
    ASSERT_GE(old_leader, 0);
    const std::size_t other = (static_cast<std::size_t>(old_leader) + 1) % 2;
    ASSERT_EQ(readyz(other), 200u);

    kill_node(static_cast<std::size_t>(old_leader));
    ASSERT_TRUE(eventually(10s, [&] { return subscribers("ch:leader") == 0; }))
        << "Redis never dropped the dead leader's subscription";
    auto refused = call(port(other), "POST", "/v1/alerts", drowning_json(1));
    EXPECT_EQ(refused.status, 503u) << refused.body;
    EXPECT_NE(refused.body.find("could not be reached"), std::string::npos) << refused.body;
    const unsigned status = readyz(other);
    ASSERT_EQ(leader(), old_leader) << "the dead leader's lease expired before the check: lengthen it";
    // The last heartbeat alone would have kept /readyz at 200 for the leader's silence timeout (3 s).
    EXPECT_EQ(status, 503u) << "a message that reached no leader must make /readyz say so at once";
    EXPECT_TRUE(wait_ready(other, 20s)) << "ready again once the node itself or a successor leads";
}

// A leader that stops answering without dropping its connections (frozen: SIGSTOP here; a long GC-like pause or a
// hung host in life) keeps taking work: PUBLISH still counts its subscription. The calls it took get 503 once it
// has been silent for the relays' leader_silence, not at their call_timeout.
TEST_F(ClusterTest, CallsHeldByAFrozenLeaderGet503WhenItFallsSilent) {
    start_cluster(2, "8s");  // a long lease: nobody takes over while the call waits
    const int lead = leader();
    ASSERT_GE(lead, 0);
    const std::size_t follower = (static_cast<std::size_t>(lead) + 1) % 2;
    nodes_[static_cast<std::size_t>(lead)].process.signal(SIGSTOP);
    std::optional<client::HttpClient::Reply> r;
    try {
        r = call(port(follower), "POST", "/v1/alerts", drowning_json(1));
    } catch (const std::exception& e) {
        ADD_FAILURE() << "no answer at all: " << e.what();
    }
    nodes_[static_cast<std::size_t>(lead)].process.signal(SIGCONT);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 503u) << r->body;
    EXPECT_NE(r->body.find("went silent"), std::string::npos)
        << "the call waited for its timeout instead of the leader's silence: " << r->body;
    expect_one_retry_after(*r);
    EXPECT_TRUE(wait_ready(follower, 20s)) << "the cluster serves again once the leader is back or replaced";
}

TEST_F(ClusterTest, SessionsOfADeadNodeCountAsDisconnectedOnTheLeader) {
    start_cluster(3);
    const int lead = leader();
    ASSERT_GE(lead, 0);
    const std::size_t victim = (static_cast<std::size_t>(lead) + 1) % 3;
    auto p = phone(port(victim), "v-on-a-dying-node", near_lake(300, 10));
    const std::uint16_t leader_port = port(static_cast<std::size_t>(lead));
    EXPECT_EQ(gauge(leader_port, "yihu_volunteers_connected"), 1);

    kill_node(victim);  // no close reaches the leader: only the relay's silence tells
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (gauge(leader_port, "yihu_volunteers_connected") != 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(200ms);
    }
    EXPECT_EQ(gauge(leader_port, "yihu_volunteers_connected"), 0)
        << "the leader still counts a session whose node died";
    EXPECT_EQ(leader(), lead) << "a follower's death changes nothing else";
}

}  // namespace
}  // namespace yihu::testing
