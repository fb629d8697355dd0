#include "api/hub/feed_fanout.h"

#include <mutex>

#include "api/codec/json_codec.h"

namespace yihu::api {

namespace {

// One event's JSON, made by the first connection that writes it (on its strand) and shared by the others.
class FeedEventJson final : public net::FrameHead {
  public:
    explicit FeedEventJson(std::shared_ptr<const v1::LiveFeedEvent> event)
        : event_(std::move(event)), size_hint_(2 * event_->ByteSizeLong() + 16) {}

    std::string bytes(bool /*binary*/) const override {
        std::call_once(once_, [this] { json_ = to_json(*event_); });
        return json_;
    }
    std::size_t size_hint() const override { return size_hint_; }

  private:
    std::shared_ptr<const v1::LiveFeedEvent> event_;
    std::size_t size_hint_;
    mutable std::once_flag once_;
    mutable std::string json_;
};

}  // namespace

void FeedFanout::open(std::uint64_t feed_id, std::shared_ptr<net::WsConnection> connection,
                      const v1::LiveFeedSubscribe& subscribe) {
    feeds_[feed_id] = Feed{std::move(connection), {}};
    this->subscribe(feed_id, subscribe);
}

void FeedFanout::subscribe(std::uint64_t feed_id, const v1::LiveFeedSubscribe& subscribe) {
    auto it = feeds_.find(feed_id);
    if (it == feeds_.end()) return;
    it->second.subscription =
        Subscription{{subscribe.alert_ids().begin(), subscribe.alert_ids().end()}, subscribe.responder_positions()};
}

void FeedFanout::close(std::uint64_t feed_id) {
    feeds_.erase(feed_id);
}

net::Frame FeedFanout::frame(std::shared_ptr<const v1::LiveFeedEvent> event) {
    return net::Frame{nullptr, false, std::make_shared<const FeedEventJson>(std::move(event))};
}

std::size_t FeedFanout::send(const std::string& alert_id, bool responder_position, const net::Frame& frame) const {
    std::size_t sent = 0;
    for (const auto& [id, feed] : feeds_) {
        const Subscription& s = feed.subscription;
        if (responder_position && !s.responder_positions) continue;
        if (!s.alert_ids.empty() && !s.alert_ids.count(alert_id)) continue;
        feed.connection->send(frame);
        ++sent;
    }
    return sent;
}

}  // namespace yihu::api
