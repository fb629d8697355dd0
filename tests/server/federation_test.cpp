// Neighbouring cities linked over /v1/federation (docs/federation.md): forwarding by area, ring growth and by hand;
// updates, close, sightings and counts flowing back; read-only copies; lines and triangles without loops; peer
// authentication; bad input from a peer.

#include "federation_harness.h"

namespace yihu::testing {
namespace {

// Between Laiwu and Jinan: a 25 km circle that reaches into Jinan's coverage.
const core::geo::LatLng kBorder{36.50, 117.20};
// Inside both that circle and Jinan's coverage.
const core::geo::LatLng kJinanVolunteer{36.55, 117.15};
// Deep in Laiwu, far from Jinan.
const core::geo::LatLng kLaiwuTown{36.20, 117.67};

std::unique_ptr<Phone> jinan_phone(City& jinan, const std::string& id = "jn-1") {
    return jinan.phone(id, kJinanVolunteer);
}

TEST_F(FederationTest, FederationForwardsAnAlertWhoseAreaTouchesThePeerAndNotOneThatDoesNot) {
    ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan"}, {{"laiwu", "jinan"}}));
    auto volunteer = jinan_phone(city("jinan"));
    const v1::Alert local = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kLaiwuTown, 3'000));
    const v1::Alert border = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 25'000));
    ASSERT_TRUE(border.id().starts_with("laiwu-"));

    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 10s);
    ASSERT_TRUE(push.has_value()) << "the Jinan volunteer was not alerted";
    EXPECT_EQ(push->alert().alert().id(), border.id());
    EXPECT_EQ(push->alert().alert().origin(), "laiwu");

    auto held = city("jinan").wait_for(border.id(), [](const v1::AlertDetail&) { return true; });
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(held->alert().origin(), "laiwu");
    EXPECT_EQ(held->alert().created_by(), "peer:laiwu");
    // Messages to a peer leave in the order queued: the local alert, queued first, would be there by now.
    EXPECT_EQ(city("jinan").call("GET", "/v1/alerts/" + local.id()).status, 404u);
}

TEST_F(FederationTest, FederationUpdatesAndCloseReachTheReceiverWhoseCopyIsReadOnly) {
    ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan"}, {{"laiwu", "jinan"}}));
    auto volunteer = jinan_phone(city("jinan"));
    const v1::Alert a = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 25'000));
    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 10s);
    ASSERT_TRUE(push.has_value());
    volunteer->ack(push->alert().seq());

    // Jinan's dispatcher cannot change Laiwu's alert: the refusal names the origin.
    auto refused = city("jinan").call("PATCH", "/v1/alerts/" + a.id(), R"({"title":"changed in Jinan"})");
    EXPECT_EQ(refused.status, 403u) << refused.body;
    EXPECT_NE(refused.body.find("laiwu"), std::string::npos) << refused.body;
    EXPECT_EQ(city("jinan").call("POST", "/v1/alerts/" + a.id() + ":cancel", "{}").status, 403u);

    auto updated = city("laiwu").call("PATCH", "/v1/alerts/" + a.id(), R"({"title":"Missing: man, 78, grey cap"})");
    ASSERT_EQ(updated.status, 200u) << updated.body;
    auto update = volunteer->next_of(v1::ServerMessage::kAlertUpdate, 10s);
    ASSERT_TRUE(update.has_value()) << "the update did not reach Jinan's volunteer";
    EXPECT_EQ(update->alert_update().alert().title(), "Missing: man, 78, grey cap");
    volunteer->ack(update->alert_update().seq());

    auto resolved = city("laiwu").call("POST", "/v1/alerts/" + a.id() + ":resolve",
                                       R"({"found":true,"message":"Found safe. Thank you all."})");
    ASSERT_EQ(resolved.status, 200u) << resolved.body;
    auto closed = volunteer->next_of(v1::ServerMessage::kAlertClosed, 10s);
    ASSERT_TRUE(closed.has_value()) << "the close did not reach Jinan's volunteer";
    volunteer->ack(closed->alert_closed().seq());
    auto copy = city("jinan").wait_for(
        a.id(), [](const v1::AlertDetail& d) { return d.alert().state() == v1::ALERT_STATE_RESOLVED_FOUND; });
    ASSERT_TRUE(copy.has_value());
    EXPECT_EQ(copy->alert().closing_note(), "Found safe. Thank you all.");
    // Exactly one close notice: nothing else arrives for the alert.
    EXPECT_FALSE(volunteer->next_of(v1::ServerMessage::kAlertClosed, 500ms).has_value());
}

TEST_F(FederationTest, FederationSightingsAndCountsFlowBackToTheOriginWithoutVolunteerIds) {
    ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan"}, {{"laiwu", "jinan"}}));
    auto volunteer = jinan_phone(city("jinan"), "jn-secret-volunteer");
    const v1::Alert a = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kBorder, 25'000));
    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 10s);
    ASSERT_TRUE(push.has_value());
    volunteer->ack(push->alert().seq());
    ASSERT_TRUE(is_ok(volunteer->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)));
    v1::ClientMessage sighting;
    sighting.mutable_sighting()->set_alert_id(a.id());
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_latitude(36.56);
    sighting.mutable_sighting()->mutable_position()->mutable_location()->set_longitude(117.14);
    sighting.mutable_sighting()->set_text("old man in a blue jacket at the bus station");
    ASSERT_TRUE(is_ok(volunteer->request(sighting)));

    auto seen = city("laiwu").wait_for(a.id(), [](const v1::AlertDetail& d) {
        return d.counts().sightings() == 1 && d.peer_counts().contains("jinan") &&
               d.peer_counts().at("jinan").accepted() == 1;
    });
    ASSERT_TRUE(seen.has_value()) << "Laiwu never saw Jinan's sighting and counts";
    EXPECT_EQ(seen->peer_counts().at("jinan").notified(), 1u);
    // The sighting is the city's, not the volunteer's: Jinan's volunteer id never reaches Laiwu.
    auto audit = city("laiwu").call("GET", "/v1/alerts/" + a.id() + "/audit");
    ASSERT_EQ(audit.status, 200u);
    EXPECT_NE(audit.body.find("peer:jinan"), std::string::npos) << audit.body;
    EXPECT_EQ(audit.body.find("jn-secret-volunteer"), std::string::npos) << audit.body;

    // Laiwu's dispatcher confirms it: the centre moves there, and Jinan's volunteer hears of it.
    auto confirmed = city("laiwu").call("POST", "/v1/alerts/" + a.id() + "/sightings/1:confirm");
    ASSERT_EQ(confirmed.status, 200u) << confirmed.body;
    // (An update for the accept's role may come first.)
    bool moved = false;
    for (int i = 0; i < 5 && !moved; ++i) {
        auto update = volunteer->next_of(v1::ServerMessage::kAlertUpdate, 10s);
        ASSERT_TRUE(update.has_value()) << "the confirmed sighting's move never reached Jinan";
        volunteer->ack(update->alert_update().seq());
        moved = std::abs(update->alert_update().alert().center().latitude() - 36.56) < 1e-9;
    }
    EXPECT_TRUE(moved);
}

TEST_F(FederationTest, FederationForwardsWhenTheRingGrowsIntoThePeerAndTheCopyFollowsLaterGrowth) {
    ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan"}, {{"laiwu", "jinan"}}));
    auto volunteer = jinan_phone(city("jinan"));  // about 61 km from Laiwu's centre
    // A missing child's ring: 2 km at first (Laiwu only), 70 km a second later (into Jinan), 100 km later still.
    const v1::Alert a =
        create("laiwu", R"({"kind":"ALERT_KIND_MISSING_CHILD","center":{"latitude":36.2,"longitude":117.67},
        "title":"Missing: girl, 6","policy":{"rings":[{"after":"0s","radius_m":2000},{"after":"1s","radius_m":70000},
        {"after":"4s","radius_m":100000}]}})");
    EXPECT_EQ(a.current_radius_m(), 2000);
    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 10s);
    ASSERT_TRUE(push.has_value()) << "the grown ring was not forwarded";
    volunteer->ack(push->alert().seq());
    // It went when the ring grew, not before: the copy starts at a grown ring.
    const double first_radius = push->alert().alert().current_radius_m();
    EXPECT_GE(first_radius, 70000);
    // The ring keeps growing after the alert reached Jinan: Jinan's copy and its volunteer follow.
    auto grown =
        city("jinan").wait_for(a.id(), [](const v1::AlertDetail& d) { return d.alert().current_radius_m() == 100000; });
    ASSERT_TRUE(grown.has_value()) << "Jinan's copy did not follow the ring's growth to 100 km";
    auto origin =
        city("laiwu").wait_for(a.id(), [](const v1::AlertDetail& d) { return d.alert().current_radius_m() == 100000; });
    ASSERT_TRUE(origin.has_value());
    if (first_radius < 100000) {
        auto update = volunteer->next_of(v1::ServerMessage::kAlertUpdate, 10s);
        ASSERT_TRUE(update.has_value()) << "Jinan's volunteer never heard of the wider ring";
        volunteer->ack(update->alert_update().seq());
        EXPECT_EQ(update->alert_update().alert().current_radius_m(), 100000);
        EXPECT_GT(grown->alert().version(), push->alert().alert().version());
        auto audit = city("jinan").call("GET", "/v1/alerts/" + a.id() + "/audit");
        ASSERT_EQ(audit.status, 200u);
        EXPECT_NE(audit.body.find("radius 100000 m"), std::string::npos) << audit.body;
    }
    // Once, whatever the timing: one AlertPush for Jinan's volunteer.
    for (const auto& m : volunteer->skipped) EXPECT_FALSE(m.has_alert()) << "a second AlertPush: " << m.DebugString();
    EXPECT_FALSE(volunteer->next_of(v1::ServerMessage::kAlert, 300ms).has_value()) << "notified twice";
}

TEST_F(FederationTest, FederationForwardsByHandToANamedPeer) {
    ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan"}, {{"laiwu", "jinan"}}));
    const v1::Alert a = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", kLaiwuTown, 3'000));
    auto unknown = city("laiwu").call("POST", "/v1/alerts/" + a.id() + ":forward", R"({"peers":["qingdao"]})");
    EXPECT_EQ(unknown.status, 404u) << unknown.body;
    auto empty = city("laiwu").call("POST", "/v1/alerts/" + a.id() + ":forward", R"({"peers":[]})");
    EXPECT_EQ(empty.status, 400u) << empty.body;
    auto forwarded = city("laiwu").call("POST", "/v1/alerts/" + a.id() + ":forward", R"({"peers":["jinan"]})");
    ASSERT_EQ(forwarded.status, 200u) << forwarded.body;
    ASSERT_TRUE(city("jinan").wait_for(a.id(), [](const v1::AlertDetail&) { return true; }).has_value());
    // Jinan cannot forward Laiwu's alert by hand.
    auto onward = city("jinan").call("POST", "/v1/alerts/" + a.id() + ":forward", R"({"peers":["laiwu"]})");
    EXPECT_EQ(onward.status, 403u) << onward.body;
}

TEST_F(FederationTest, FederationLineForwardsOnFromAThroughBToC) {
    // Laiwu - Jinan - Tai'an: Laiwu does not know Tai'an; Jinan passes the alert on.
    ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan", "taian"}, {{"laiwu", "jinan"}, {"jinan", "taian"}}));
    const core::geo::LatLng between{36.40, 117.10};  // 60 km circle: Jinan's and Tai'an's coverage
    auto volunteer = city("taian").phone("ta-1", {36.25, 117.10});
    const v1::Alert a = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", between, 60'000));
    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 10s);
    ASSERT_TRUE(push.has_value()) << "Tai'an's volunteer was not alerted";
    volunteer->ack(push->alert().seq());
    auto held = city("taian").wait_for(a.id(), [](const v1::AlertDetail&) { return true; });
    ASSERT_TRUE(held.has_value());
    EXPECT_EQ(held->alert().origin(), "laiwu");
    // Tai'an's counts travel back through Jinan to Laiwu.
    ASSERT_TRUE(is_ok(volunteer->respond(a.id(), v1::RESPONSE_KIND_ACCEPT)));
    auto counted = city("laiwu").wait_for(a.id(), [](const v1::AlertDetail& d) {
        return d.peer_counts().contains("taian") && d.peer_counts().at("taian").accepted() == 1;
    });
    EXPECT_TRUE(counted.has_value());
    // And the close travels on.
    ASSERT_EQ(city("laiwu").call("POST", "/v1/alerts/" + a.id() + ":cancel", R"({"reason":"false alarm"})").status,
              200u);
    EXPECT_TRUE(volunteer->next_of(v1::ServerMessage::kAlertClosed, 10s).has_value());
}

TEST_F(FederationTest, FederationTriangleHoldsOneCopyEachAndNotifiesEveryoneOnce) {
    ASSERT_NO_FATAL_FAILURE(
        make_cities({"laiwu", "jinan", "taian"}, {{"laiwu", "jinan"}, {"jinan", "taian"}, {"laiwu", "taian"}}));
    const core::geo::LatLng middle{36.35, 117.25};  // 80 km: everyone's coverage
    auto in_jinan = city("jinan").phone("jn-1", {36.55, 117.15});
    auto in_taian = city("taian").phone("ta-1", {36.25, 117.10});
    const v1::Alert a = create("laiwu", circle_alert_json("ALERT_KIND_MISSING_PERSON", middle, 80'000));
    for (Phone* p : {in_jinan.get(), in_taian.get()}) {
        auto push = p->next_of(v1::ServerMessage::kAlert, 10s);
        ASSERT_TRUE(push.has_value());
        p->ack(push->alert().seq());
    }
    // Every city now holds it and has passed it to everyone not on its path; wait for the update to settle, then
    // nobody got it twice.
    ASSERT_EQ(
        city("laiwu").call("PATCH", "/v1/alerts/" + a.id(), R"({"title":"Missing: man, 78, seen at a bus"})").status,
        200u);
    for (Phone* p : {in_jinan.get(), in_taian.get()}) {
        auto update = p->next_of(v1::ServerMessage::kAlertUpdate, 10s);
        ASSERT_TRUE(update.has_value());
        p->ack(update->alert_update().seq());
    }
    ASSERT_EQ(city("laiwu").call("POST", "/v1/alerts/" + a.id() + ":cancel", R"({"reason":"found"})").status, 200u);
    for (Phone* p : {in_jinan.get(), in_taian.get()}) {
        auto closed = p->next_of(v1::ServerMessage::kAlertClosed, 10s);
        ASSERT_TRUE(closed.has_value());
        p->ack(closed->alert_closed().seq());
        for (const auto& m : p->skipped) {
            EXPECT_FALSE(m.has_alert()) << "a second AlertPush: " << m.DebugString();
        }
        EXPECT_FALSE(p->next_of(v1::ServerMessage::kAlert, 300ms).has_value());
    }
    // Laiwu never took its own alert back.
    auto origin = city("laiwu").wait_for(a.id(), [](const v1::AlertDetail&) { return true; });
    ASSERT_TRUE(origin.has_value());
    EXPECT_EQ(origin->alert().created_by(), "d-laiwu");
}

// A raw peer link, for what a yihu city would never send.
class RawPeer {
  public:
    RawPeer(std::uint16_t port, const std::string& token) {
        ws_ =
            client::WsClient::connect("127.0.0.1", port, "/v1/federation", 5s, {{"Authorization", "Bearer " + token}});
    }
    void send(const v1::PeerEnvelope& env) { ws_->send(env.SerializeAsString(), true); }
    std::optional<v1::PeerEnvelope> next(std::chrono::milliseconds timeout = 5s) {
        auto r = ws_->receive(timeout);
        if (!r) return std::nullopt;
        v1::PeerEnvelope env;
        EXPECT_TRUE(r->binary);
        EXPECT_TRUE(env.ParseFromString(r->data));
        return env;
    }
    // The next ack (skipping the hello and anything else).
    std::optional<v1::FederationAck> ack(std::chrono::milliseconds timeout = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            auto env = next(
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
            if (!env) return std::nullopt;
            if (env->has_ack()) return env->ack();
        }
        return std::nullopt;
    }
    client::WsClient& ws() { return *ws_; }

  private:
    std::unique_ptr<client::WsClient> ws_;
};

std::string peer_token(const std::string& key, const std::string& subject, api::Role role = api::Role::kPeer,
                       std::int64_t ttl_s = 300) {
    return mint(key, role, subject, {}, core::Tier::kRegistered, ttl_s);
}

TEST_F(FederationTest, FederationRefusesAWrongKeyAWrongRoleAnExpiredTokenAndAnotherCitysName) {
    ASSERT_NO_FATAL_FAILURE(make_cities({"laiwu", "jinan"}, {{"laiwu", "jinan"}}));
    const std::uint16_t port = city("laiwu").port;
    auto status_of = [&](const std::string& token) -> unsigned {
        try {
            RawPeer peer(port, token);
            return 101;
        } catch (const client::WsUpgradeRefused& e) {
            return e.status();
        }
    };
    EXPECT_EQ(status_of(peer_token("not-jinans-key", "jinan")), 401u);
    EXPECT_EQ(status_of(peer_token(peer_key("jinan"), "jinan", api::Role::kDispatcher)), 403u);
    EXPECT_EQ(status_of(peer_token(peer_key("jinan"), "jinan", api::Role::kPeer, -120)), 401u);
    EXPECT_EQ(status_of(peer_token(peer_key("jinan"), "taian")), 403u);
    // Laiwu's own dispatcher token opens no peer link, and a peer token opens no dispatcher route.
    EXPECT_EQ(status_of(city("laiwu").dispatcher), 401u);
    auto r = city("laiwu").http->request("GET", "/v1/alerts", "", peer_token(peer_key("jinan"), "jinan"));
    EXPECT_EQ(r.status, 401u) << r.body;
    EXPECT_EQ(status_of(peer_token(peer_key("jinan"), "jinan")), 101u);
}

v1::PeerEnvelope hello_from(const std::string& city) {
    v1::PeerEnvelope env;
    env.set_sender(city);
    env.mutable_hello()->set_peer_name(city);
    env.mutable_hello()->set_key_id("k1");
    env.mutable_hello()->set_protocol_version(1);
    return env;
}

v1::PeerEnvelope alert_from_jinan(const std::string& id, std::uint64_t version, const std::string& title) {
    v1::PeerEnvelope env;
    env.set_message_id("m-" + id + "-" + std::to_string(version) + "-" + title);
    env.set_sender("jinan");
    auto* m = env.mutable_alert();
    m->set_origin("jinan");
    m->add_path("jinan");
    m->set_version(version);
    v1::Alert* a = m->mutable_alert();
    a->set_id(id);
    a->set_origin("jinan");
    a->set_version(version);
    a->set_kind(v1::ALERT_KIND_MISSING_PERSON);
    a->set_state(v1::ALERT_STATE_ACTIVE);
    a->mutable_center()->set_latitude(36.22);
    a->mutable_center()->set_longitude(117.65);
    a->mutable_area()->mutable_circle()->mutable_center()->set_latitude(36.22);
    a->mutable_area()->mutable_circle()->mutable_center()->set_longitude(117.65);
    a->mutable_area()->mutable_circle()->set_radius_m(5'000);
    a->set_title(title);
    a->set_responders_wanted(1);
    return env;
}

TEST_F(FederationTest, FederationBadInputIsRefusedWithACodeAndTheLinkStaysUp) {
    // Laiwu alone, with Jinan configured as a peer but played here by hand.
    cities_["laiwu"].name = "laiwu";
    cities_["laiwu"].port = free_loopback_port();
    ports_["laiwu"] = cities_["laiwu"].port;
    ports_["jinan"] = free_loopback_port();  // nobody listens: Laiwu's dialer keeps trying, harmlessly
    cities_["laiwu"].peers = {"jinan"};
    ASSERT_NO_FATAL_FAILURE(start("laiwu"));
    auto volunteer = city("laiwu").phone("lw-1", {36.21, 117.66});
    RawPeer jinan(city("laiwu").port, peer_token(peer_key("jinan"), "jinan"));
    jinan.send(hello_from("jinan"));

    struct Case {
        std::string what;
        v1::PeerEnvelope env;
        v1::ErrorCode code;
    };
    std::vector<Case> cases;
    {
        auto env = alert_from_jinan("jinan-1", 1, "unknown origin");
        env.mutable_alert()->set_origin("");
        cases.push_back({"unknown origin", env, v1::ERROR_CODE_INVALID_ARGUMENT});
    }
    {
        auto env = alert_from_jinan("taian-7", 1, "not the sender's alert");
        env.mutable_alert()->mutable_alert()->set_origin("taian");
        env.mutable_alert()->set_origin("taian");
        env.mutable_alert()->set_path(0, "taian");
        cases.push_back(
            {"origin is not the sender and path does not end with it", env, v1::ERROR_CODE_INVALID_ARGUMENT});
    }
    {
        auto env = alert_from_jinan("taian-8", 1, "an id of another city");
        cases.push_back({"id of another origin", env, v1::ERROR_CODE_INVALID_ARGUMENT});
    }
    {
        auto env = alert_from_jinan("jinan-2", 1, "polygon out of range");
        auto* ring = env.mutable_alert()->mutable_alert()->mutable_area()->mutable_polygon();
        for (auto [lat, lon] : {std::pair{36.0, 117.0}, {136.0, 117.5}, {36.5, 117.5}, {36.0, 117.0}}) {
            auto* p = ring->add_ring();
            p->set_latitude(lat);
            p->set_longitude(lon);
        }
        cases.push_back({"polygon out of range", env, v1::ERROR_CODE_INVALID_COORDINATES});
    }
    {
        auto env = alert_from_jinan("jinan-3", 1, "a loop");
        env.mutable_alert()->clear_path();
        env.mutable_alert()->add_path("jinan");
        env.mutable_alert()->add_path("laiwu");
        env.mutable_alert()->add_path("jinan");
        cases.push_back({"path naming the receiver", env, v1::ERROR_CODE_INVALID_ARGUMENT});
    }
    {
        v1::PeerEnvelope env = alert_from_jinan("jinan-4", 1, "forged sender");
        env.set_sender("taian");
        cases.push_back({"envelope sender is not the link's peer", env, v1::ERROR_CODE_FORBIDDEN_ROLE});
    }
    for (const Case& c : cases) {
        jinan.send(c.env);
        auto ack = jinan.ack();
        ASSERT_TRUE(ack.has_value()) << c.what << ": no ack";
        EXPECT_EQ(ack->message_id(), c.env.message_id()) << c.what;
        EXPECT_FALSE(ack->accepted()) << c.what;
        EXPECT_EQ(ack->code(), c.code) << c.what << ": " << ack->reason();
        EXPECT_FALSE(ack->reason().empty()) << c.what;
    }
    // Not a PeerEnvelope at all: refused, and the link stays.
    jinan.ws().send("\xff\xff not protobuf", true);
    auto garbage = jinan.ack();
    ASSERT_TRUE(garbage.has_value());
    EXPECT_EQ(garbage->code(), v1::ERROR_CODE_MALFORMED_MESSAGE);

    // Versions out of order and repeated: v2 applies, v1 is from the past, v2 again is a duplicate.
    jinan.send(alert_from_jinan("jinan-9", 2, "Missing: woman, 80"));
    auto v2 = jinan.ack();
    ASSERT_TRUE(v2.has_value());
    EXPECT_TRUE(v2->accepted()) << v2->reason();
    jinan.send(alert_from_jinan("jinan-9", 1, "Missing: woman, 80 (old)"));
    auto v1_ack = jinan.ack();
    ASSERT_TRUE(v1_ack.has_value());
    EXPECT_FALSE(v1_ack->accepted());
    EXPECT_EQ(v1_ack->code(), v1::ERROR_CODE_CONFLICT);
    jinan.send(alert_from_jinan("jinan-9", 2, "Missing: woman, 80"));
    auto again = jinan.ack();
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(again->accepted());
    EXPECT_EQ(again->reason(), "duplicate");

    auto push = volunteer->next_of(v1::ServerMessage::kAlert, 5s);
    ASSERT_TRUE(push.has_value());
    EXPECT_EQ(push->alert().alert().id(), "jinan-9");
    EXPECT_EQ(push->alert().alert().title(), "Missing: woman, 80");
    EXPECT_FALSE(volunteer->next_of(v1::ServerMessage::kAlert, 300ms).has_value()) << "notified twice";
    EXPECT_FALSE(jinan.ws().closed());
}

}  // namespace
}  // namespace yihu::testing
