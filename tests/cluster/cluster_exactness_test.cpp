// Exactness: for the same scenario, a cluster of 3 nodes notifies exactly the volunteers one node would, each once,
// wherever their sockets land; close notices reach every recipient once. Roaming across nodes.

#include <map>
#include <random>
#include <set>

#include "api/codec/push_ref.h"
#include "cluster/cluster_harness.h"
#include "support/test_seed.h"

namespace yihu::testing {
namespace {

struct Volunteer {
    std::string id;
    core::geo::LatLng at;
    std::vector<std::string> skills;
    core::Tier tier;
};
struct AlertSpec {
    std::string json;
    std::string title;
    unsigned wanted = 1;
};

struct Scenario {
    std::vector<Volunteer> volunteers;
    std::vector<AlertSpec> alerts;
};

Scenario make_scenario(std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> metres(0, 4'000), bearing(0, 360), unit(0, 1);
    Scenario s;
    const std::vector<std::string> skill_names = {"swimmer", "water_rescue", "first_aid"};
    for (int i = 0; i < 45; ++i) {
        Volunteer v;
        v.id = "v-" + std::to_string(i);
        v.at = near_lake(metres(rng), bearing(rng));
        for (const auto& skill : skill_names) {
            if (unit(rng) < 0.4) v.skills.push_back(skill);
        }
        v.tier = static_cast<core::Tier>(rng() % 3);
        s.volunteers.push_back(std::move(v));
    }
    const std::vector<std::string> kinds = {"ALERT_KIND_DROWNING", "ALERT_KIND_MISSING_PERSON", "ALERT_KIND_SUSPECT",
                                            "ALERT_KIND_GENERAL"};
    for (int k = 0; k < 6; ++k) {
        // The first is always a one-responder drowning at the lake, so every scenario has stand-downs to compare.
        const core::geo::LatLng c = k == 0 ? kLake : near_lake(metres(rng) / 2, bearing(rng));
        const std::string& kind = k == 0 ? kinds[0] : kinds[rng() % kinds.size()];
        AlertSpec a;
        a.title = "scenario alert " + std::to_string(k);
        a.wanted = k == 0 ? 1 : 1 + rng() % 4;
        a.json = R"({"kind":")" + kind + R"(","center":{"latitude":)" + std::to_string(c.lat) + R"(,"longitude":)" +
                 std::to_string(c.lon) + R"(},"title":")" + a.title + R"(","responders_wanted":)" +
                 std::to_string(a.wanted) + "}";
        s.alerts.push_back(std::move(a));
    }
    return s;
}

// What the phones saw: per alert title, who got each kind of push; plus duplicates.
struct Outcome {
    std::map<std::string, std::set<std::string>> alerted;
    std::map<std::string, std::set<std::string>> updated;
    std::map<std::string, std::set<std::string>> stood_down;
    std::map<std::string, std::set<std::string>> closed;
    int duplicate_pushes = 0;
};

// Reads every phone until it has been quiet for 60 ms (acking pushes), recording what each received. Callers first
// wait long enough for the pushes of what they did to have been sent, even on a loaded machine.
// Reads what each phone received up to now. A Ping is the barrier: the hub answers it after every step it took
// before (the dispatcher's calls returned only after their steps), so every push those steps made arrives before
// the Pong, and nothing is left to chance or to a sleep.
void drain(std::vector<std::unique_ptr<Phone>>& phones, const Scenario& s, std::map<std::string, std::string>& titles,
           Outcome& out, std::map<std::string, std::set<std::tuple<std::string, std::uint64_t, int>>>& seen) {
    for (std::size_t i = 0; i < phones.size(); ++i) {
        const std::string& who = s.volunteers[i].id;
        v1::ClientMessage ping;
        ping.mutable_ping();
        auto pong = phones[i]->request(ping);
        EXPECT_TRUE(pong.has_value() && pong->has_pong()) << who << " did not answer the barrier ping";
        for (const v1::ServerMessage& m : std::exchange(phones[i]->skipped, {})) {
            const std::optional<api::PushRef> push = api::push_ref(m);
            if (!push) continue;
            if (m.has_alert()) titles[push->alert_id] = m.alert().alert().title();
            const std::string& title = titles[push->alert_id];
            if (m.has_alert()) out.alerted[title].insert(who);
            if (m.has_alert_closed()) out.closed[title].insert(who);
            if (m.has_stand_down()) out.stood_down[title].insert(who);
            if (m.has_alert_update()) out.updated[title].insert(who);
            phones[i]->ack(push->seq);
            if (!seen[who].insert({push->alert_id, push->alert_version, static_cast<int>(m.body_case())}).second) {
                ++out.duplicate_pushes;
            }
        }
    }
}

class ClusterExactness : public ClusterTest {
  protected:
    // Runs the scenario: phones spread over `phone_ports` round robin, the dispatcher on `dispatcher_port`.
    Outcome run(const Scenario& s, const std::vector<std::uint16_t>& phone_ports, std::uint16_t dispatcher_port) {
        std::vector<std::unique_ptr<Phone>> phones;
        for (std::size_t i = 0; i < s.volunteers.size(); ++i) {
            const Volunteer& v = s.volunteers[i];
            phones.push_back(phone(phone_ports[i % phone_ports.size()], v.id, v.at, v.skills, v.tier));
        }
        Outcome out;
        std::map<std::string, std::string> titles;
        std::map<std::string, std::set<std::tuple<std::string, std::uint64_t, int>>> seen;
        std::vector<std::string> ids;
        for (const AlertSpec& a : s.alerts) {
            auto r = call(dispatcher_port, "POST", "/v1/alerts", a.json);
            EXPECT_EQ(r.status, 201u) << r.body;
            v1::Alert created;
            EXPECT_TRUE(api::parse_json(r.body, created).ok()) << r.body;
            ids.push_back(created.id());
            titles[created.id()] = a.title;
        }
        drain(phones, s, titles, out, seen);
        // The first `wanted` recipients (by id) of each alert accept it, which fills it: the others stand down.
        // Then the dispatcher edits every alert: an update to each recipient still involved.
        for (std::size_t k = 0; k < ids.size(); ++k) {
            const std::string& id = ids[k];
            const auto& who = out.alerted[titles[id]];
            std::size_t accepted = 0;
            for (auto volunteer = who.begin(); volunteer != who.end() && accepted < s.alerts[k].wanted;
                 ++volunteer, ++accepted) {
                for (std::size_t i = 0; i < s.volunteers.size(); ++i) {
                    if (s.volunteers[i].id != *volunteer) continue;
                    auto reply = phones[i]->respond(id, v1::RESPONSE_KIND_ACCEPT);
                    EXPECT_TRUE(reply && reply->has_ok()) << "accept of " << id << " by " << *volunteer;
                }
            }
        }
        drain(phones, s, titles, out, seen);
        for (const std::string& id : ids) {
            auto r = call(dispatcher_port, "PATCH", "/v1/alerts/" + id, R"({"description":"last seen by the pier"})");
            EXPECT_EQ(r.status, 200u) << r.body;
        }
        drain(phones, s, titles, out, seen);
        for (const std::string& id : ids) {
            auto r = call(dispatcher_port, "POST", "/v1/alerts/" + id + ":resolve", R"({"found":true})");
            EXPECT_EQ(r.status, 200u) << r.body;
        }
        drain(phones, s, titles, out, seen);
        return out;
    }
};

TEST_F(ClusterExactness, ThreeNodesNotifyExactlyWhomOneNodeWouldEachOnce) {
    const std::uint64_t seed = test_seed("ClusterExactness");
    SCOPED_TRACE("seed " + std::to_string(seed));
    const Scenario scenario = make_scenario(static_cast<std::uint32_t>(seed));

    // One node alone, no Redis: the reference.
    start_node(0, false);
    ASSERT_TRUE(wait_ready(0, 20s));
    const Outcome single = run(scenario, {port(0)}, port(0));
    EXPECT_EQ(nodes_[0].process.stop(), 0) << "the reference node stops cleanly";
    EXPECT_EQ(sanitizer_report(nodes_[0].log), "") << "the reference node's log has a sanitizer report";

    // Three nodes through Redis; phones on all three, the dispatcher on one that may or may not lead.
    nodes_.clear();
    start_cluster(3);
    const Outcome cluster = run(scenario, {port(0), port(1), port(2)}, port(1));

    std::size_t notified = 0;
    for (const auto& [title, who] : single.alerted) notified += who.size();
    ASSERT_GT(notified, 10u) << "the scenario must notify someone to mean anything";
    std::size_t stood_down = 0;
    for (const auto& [title, who] : single.stood_down) stood_down += who.size();
    EXPECT_GT(stood_down, 0u) << "the scenario must make someone stand down to test stand-downs";
    EXPECT_FALSE(single.updated.empty());
    EXPECT_EQ(cluster.alerted, single.alerted);
    EXPECT_EQ(cluster.stood_down, single.stood_down);
    EXPECT_EQ(cluster.updated, single.updated);
    EXPECT_EQ(cluster.closed, single.closed);
    EXPECT_EQ(single.closed, single.alerted) << "every recipient gets one close notice";
    EXPECT_EQ(single.duplicate_pushes, 0);
    EXPECT_EQ(cluster.duplicate_pushes, 0);
}

TEST_F(ClusterExactness, VolunteerOnAnotherNodeWalkingIntoAnAlertGetsIt) {
    start_cluster(3);
    const int lead = leader();
    ASSERT_GE(lead, 0);
    for (std::size_t i = 0; i < 3; ++i) {
        client::HttpClient http("127.0.0.1", port(i));
        const std::string metrics = http.request("GET", "/metrics", {}, {}, 2s).body;
        const bool leads = metrics.find("\nyihu_cluster_leader 1") != std::string::npos;
        EXPECT_EQ(leads, static_cast<int>(i) == lead)
            << nodes_[i].id << " /metrics disagrees with the lease (held by " << lead
            << "): " << metrics.substr(std::min(metrics.size(), metrics.find("yihu_cluster")), 300);
        EXPECT_NE(metrics.find("\nyihu_cluster_ready 1"), std::string::npos) << nodes_[i].id;
    }
    const std::size_t other = (static_cast<std::size_t>(lead) + 1) % 3;
    const std::size_t third = (static_cast<std::size_t>(lead) + 2) % 3;

    auto walker = phone(port(other), "v-walker", near_lake(8'000, 90));  // far outside
    auto r = call(port(third), "POST", "/v1/alerts", drowning_json(1));
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_FALSE(walker->next_of(v1::ServerMessage::kAlert, 800ms)) << "not yet: 8 km away";

    v1::ClientMessage move;
    move.mutable_position()->mutable_position()->mutable_location()->set_latitude(near_lake(300, 90).lat);
    move.mutable_position()->mutable_position()->mutable_location()->set_longitude(near_lake(300, 90).lon);
    move.mutable_position()->mutable_position()->set_accuracy_m(10);
    walker->send(move);
    auto push = walker->next_of(v1::ServerMessage::kAlert, 5s);
    ASSERT_TRUE(push) << "roaming into the area on node " << nodes_[other].id << " must bring the alert";
    EXPECT_EQ(push->alert().alert().title(), "Drowning at Songshan Lake");
}

TEST_F(ClusterExactness, EscalationReachesAVolunteerOnAnotherNode) {
    start_cluster(3);
    const std::size_t lead = static_cast<std::size_t>(leader());
    // Nobody within the first 1.5 km; after an unanswered second the radius doubles to 3 km.
    auto far = phone(port((lead + 1) % 3), "v-far", near_lake(2'500, 200));
    const std::string json =
        R"({"kind":"ALERT_KIND_DROWNING","center":{"latitude":22.93,"longitude":113.89},"title":"Escalating",)"
        R"("responders_wanted":1,"policy":{"escalation_timeout":"1s"}})";
    auto r = call(port((lead + 2) % 3), "POST", "/v1/alerts", json);
    ASSERT_EQ(r.status, 201u) << r.body;
    auto push = far->next_of(v1::ServerMessage::kAlert, 8s);
    ASSERT_TRUE(push) << "the widened alert must reach a volunteer 2.5 km away, on another node";
    EXPECT_EQ(push->alert().alert().title(), "Escalating");
}

TEST_F(ClusterExactness, PhoneReconnectingToAnotherNodeRecoversWhatItMissed) {
    start_cluster(3);
    std::uint64_t last_seq = 0;
    std::string epoch;
    {
        auto p = std::make_unique<Phone>(port(0), false);
        epoch =
            p->hello(mint(kClusterSecret, api::Role::kVolunteer, "v-roamer", {"swimmer"}), near_lake(300, 45)).epoch();
        auto r = call(port(1), "POST", "/v1/alerts", drowning_json(1));
        ASSERT_EQ(r.status, 201u) << r.body;
        auto first = p->next_of(v1::ServerMessage::kAlert, 5s);
        ASSERT_TRUE(first);
        last_seq = first->alert().seq();
        p->ack(last_seq);
        v1::ClientMessage ping;
        ping.mutable_ping();
        auto pong = p->request(ping);  // answered after the ack before it: the ack has been applied
        ASSERT_TRUE(pong.has_value() && pong->has_pong());
    }  // the phone goes away (a tunnel, a flat battery); online or not, the next push waits in its history
    auto r = call(port(1), "POST", "/v1/alerts", drowning_json(1));
    ASSERT_EQ(r.status, 201u) << r.body;
    v1::Alert missed_alert;
    ASSERT_TRUE(api::parse_json(r.body, missed_alert).ok());  // the 201 came after the push was stored

    auto back = std::make_unique<Phone>(port(2), false);
    const v1::Welcome w = back->hello(mint(kClusterSecret, api::Role::kVolunteer, "v-roamer", {"swimmer"}),
                                      near_lake(300, 45), last_seq, epoch);
    EXPECT_TRUE(w.recovered()) << "same epoch, history intact: a true resume";
    auto missed = back->next_of(v1::ServerMessage::kAlert, 5s);
    ASSERT_TRUE(missed) << "the alert pushed while offline is replayed on another node";
    EXPECT_EQ(missed->alert().alert_id(), missed_alert.id());
    EXPECT_EQ(missed->alert().seq(), last_seq + 1);
}

}  // namespace
}  // namespace yihu::testing
