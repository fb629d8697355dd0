#include "api/hub/feed_fanout.h"

#include <gtest/gtest.h>

#include "api/codec/json_codec.h"

namespace yihu::api {
namespace {

// Keeps what the fan-out wrote to it (the real socket's side, the strand, is tests/net/ws_session_test.cpp's).
class RecordingConnection final : public net::WsConnection {
  public:
    bool send(net::Frame frame) override {
        frames.push_back(std::move(frame));
        return true;
    }
    void close(std::uint16_t, std::string) override {}
    std::size_t queued_bytes() const override { return 0; }
    const std::string& remote() const override { return remote_; }

    std::vector<net::Frame> frames;

  private:
    std::string remote_ = "test";
};

v1::LiveFeedSubscribe subscribe(std::vector<std::string> alert_ids, bool positions) {
    v1::LiveFeedSubscribe s;
    for (auto& id : alert_ids) s.add_alert_ids(std::move(id));
    s.set_responder_positions(positions);
    return s;
}

std::shared_ptr<const v1::LiveFeedEvent> response_event(const std::string& alert_id) {
    auto e = std::make_shared<v1::LiveFeedEvent>();
    e->set_alert_id(alert_id);
    e->mutable_response()->set_alert_id(alert_id);
    e->mutable_response()->set_volunteer_id("anna");
    return e;
}

TEST(FeedFanout, EachFeedGetsWhatItSubscribedTo) {
    FeedFanout feeds;
    auto all = std::make_shared<RecordingConnection>();
    auto only_dg2 = std::make_shared<RecordingConnection>();
    auto positions = std::make_shared<RecordingConnection>();
    feeds.open(1, all, subscribe({}, false));
    feeds.open(2, only_dg2, subscribe({"dg-2"}, false));
    feeds.open(3, positions, subscribe({}, true));
    ASSERT_EQ(feeds.size(), 3u);

    EXPECT_EQ(feeds.send("dg-1", false, FeedFanout::frame(response_event("dg-1"))), 2u);  // all, positions
    EXPECT_EQ(feeds.send("dg-2", false, FeedFanout::frame(response_event("dg-2"))), 3u);
    EXPECT_EQ(feeds.send("dg-2", true, FeedFanout::frame(response_event("dg-2"))), 1u);  // a responder position
    EXPECT_EQ(all->frames.size(), 2u);
    EXPECT_EQ(only_dg2->frames.size(), 1u);
    EXPECT_EQ(positions->frames.size(), 3u);

    feeds.subscribe(2, subscribe({"dg-1"}, false));                                       // replaces, does not add
    EXPECT_EQ(feeds.send("dg-2", false, FeedFanout::frame(response_event("dg-2"))), 2u);  // all, positions
    EXPECT_EQ(only_dg2->frames.size(), 1u);
    EXPECT_EQ(all->frames.size(), 3u);
    feeds.close(1);
    feeds.subscribe(1, subscribe({}, true));  // closed: nothing happens
    EXPECT_EQ(feeds.size(), 2u);
    EXPECT_EQ(feeds.send("dg-1", false, FeedFanout::frame(response_event("dg-1"))), 2u);
    EXPECT_EQ(all->frames.size(), 3u);  // closed: nothing more
}

// Every feed writes the same object, whose JSON is made once, by the first writer.
TEST(FeedFanout, AnEventIsEncodedOnceForEveryFeed) {
    FeedFanout feeds;
    std::vector<std::shared_ptr<RecordingConnection>> connections;
    for (std::uint64_t id = 1; id <= 5; ++id) {
        connections.push_back(std::make_shared<RecordingConnection>());
        feeds.open(id, connections.back(), subscribe({}, false));
    }
    const auto event = response_event("dg-1");
    ASSERT_EQ(feeds.send("dg-1", false, FeedFanout::frame(event)), 5u);
    const net::Frame& first = connections[0]->frames.at(0);
    ASSERT_TRUE(first.head);
    EXPECT_FALSE(first.binary);
    const std::string json = first.assemble();
    v1::LiveFeedEvent parsed;
    ASSERT_TRUE(parse_json(json, parsed)) << json;
    EXPECT_EQ(parsed.response().volunteer_id(), "anna");
    EXPECT_EQ(parsed.alert_id(), "dg-1");
    for (const auto& c : connections) {
        ASSERT_EQ(c->frames.size(), 1u);
        EXPECT_EQ(c->frames[0].head.get(), first.head.get());  // one object, not one encoding per feed
        EXPECT_EQ(c->frames[0].assemble(), json);
    }
}

}  // namespace
}  // namespace yihu::api
