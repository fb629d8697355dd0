#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "net/ws_connection.h"
#include "yihu/v1/dispatcher.pb.h"

namespace yihu::api {

// The dispatchers' live feeds of one hub: who is subscribed to what, and the fan-out of an event to them. An event is
// encoded to JSON once, not once per dispatcher, and not on the hub thread: the first feed connection to write it
// makes the JSON on its own strand and every other one writes the same bytes. Hub thread only (not thread-safe);
// best effort by design (a console refetches the lists after reconnecting).
class FeedFanout {
  public:
    struct Subscription {
        std::set<std::string> alert_ids;  // empty: every alert
        bool responder_positions = false;
    };

    void open(std::uint64_t feed_id, std::shared_ptr<net::WsConnection> connection,
              const v1::LiveFeedSubscribe& subscribe);
    // Replaces the feed's subscription; nothing for a feed not open.
    void subscribe(std::uint64_t feed_id, const v1::LiveFeedSubscribe& subscribe);
    void close(std::uint64_t feed_id);
    std::size_t size() const { return feeds_.size(); }
    bool empty() const { return feeds_.empty(); }

    // An event about `alert_id` as the frame every matching feed writes (encoded lazily, once).
    static net::Frame frame(std::shared_ptr<const v1::LiveFeedEvent> event);
    // Writes `frame` to every feed subscribed to `alert_id` (and, for a responder position, to positions). Returns
    // how many feeds it was written to.
    std::size_t send(const std::string& alert_id, bool responder_position, const net::Frame& frame) const;

  private:
    struct Feed {
        std::shared_ptr<net::WsConnection> connection;
        Subscription subscription;
    };
    std::map<std::uint64_t, Feed> feeds_;
};

}  // namespace yihu::api
