#pragma once

#include <memory>
#include <string>

#include "api/hub/hub.h"

namespace yihu::api {

// Where the gateway hands authenticated work: the hub in this process (LocalHubLink), or, in a cluster, the leader's
// hub through Redis (cluster::Relay). Called on network threads; implementations must not block.
class HubLink {
  public:
    virtual ~HubLink() = default;

    virtual void volunteer_hello(Hub::Session session, Claims claims, v1::Hello hello, std::uint64_t request_id) = 0;
    virtual void volunteer_message(Hub::Session session, std::string subject, v1::ClientMessage message) = 0;
    virtual void volunteer_closed(std::string subject, std::uint64_t session_id) = 0;
    // A typed command from a gateway route; `reply` is called once, on whichever thread the answer arrives.
    virtual void command(v1::HubCommand command, CommandReply reply) = 0;
    virtual void feed_open(std::uint64_t feed_id, std::shared_ptr<net::WsConnection> connection,
                           v1::LiveFeedSubscribe subscribe) = 0;
    virtual void feed_subscribe(std::uint64_t feed_id, v1::LiveFeedSubscribe subscribe) = 0;
    virtual void feed_closed(std::uint64_t feed_id) = 0;
};

// The single-node link: posts each call to the hub's thread.
class LocalHubLink final : public HubLink {
  public:
    explicit LocalHubLink(Hub& hub) : hub_(hub) {}

    void volunteer_hello(Hub::Session session, Claims claims, v1::Hello hello, std::uint64_t request_id) override {
        hub_.post([h = &hub_, session = std::move(session), claims = std::move(claims), hello = std::move(hello),
                   request_id] { h->volunteer_hello(session, claims, hello, request_id); });
    }
    void volunteer_message(Hub::Session session, std::string subject, v1::ClientMessage message) override {
        hub_.post([h = &hub_, session = std::move(session), subject = std::move(subject),
                   message = std::move(message)] { h->volunteer_message(session, subject, message); });
    }
    void volunteer_closed(std::string subject, std::uint64_t session_id) override {
        hub_.post([h = &hub_, subject = std::move(subject), session_id] { h->volunteer_closed(subject, session_id); });
    }
    void command(v1::HubCommand command, CommandReply reply) override {
        hub_.post([h = &hub_, command = std::move(command), reply = std::move(reply)]() mutable {
            h->execute(command, std::move(reply));
        });
    }
    void feed_open(std::uint64_t feed_id, std::shared_ptr<net::WsConnection> connection,
                   v1::LiveFeedSubscribe subscribe) override {
        hub_.post([h = &hub_, feed_id, connection = std::move(connection), subscribe = std::move(subscribe)] {
            h->feed_open(feed_id, connection, subscribe);
        });
    }
    void feed_subscribe(std::uint64_t feed_id, v1::LiveFeedSubscribe subscribe) override {
        hub_.post([h = &hub_, feed_id, subscribe = std::move(subscribe)] { h->feed_subscribe(feed_id, subscribe); });
    }
    void feed_closed(std::uint64_t feed_id) override {
        hub_.post([h = &hub_, feed_id] { h->feed_closed(feed_id); });
    }

  private:
    Hub& hub_;
};

// A LocalHubLink that keeps its hub alive, for holders that may outlive the hub's owner: a cluster leader's peer
// links, whose sessions can still call in after the node stepped down (the stopped hub then ignores the call).
class SharedHubLink final : public HubLink {
  public:
    explicit SharedHubLink(std::shared_ptr<Hub> hub) : hub_(std::move(hub)), local_(*hub_) {}

    void volunteer_hello(Hub::Session session, Claims claims, v1::Hello hello, std::uint64_t request_id) override {
        local_.volunteer_hello(std::move(session), std::move(claims), std::move(hello), request_id);
    }
    void volunteer_message(Hub::Session session, std::string subject, v1::ClientMessage message) override {
        local_.volunteer_message(std::move(session), std::move(subject), std::move(message));
    }
    void volunteer_closed(std::string subject, std::uint64_t session_id) override {
        local_.volunteer_closed(std::move(subject), session_id);
    }
    void command(v1::HubCommand command, CommandReply reply) override {
        local_.command(std::move(command), std::move(reply));
    }
    void feed_open(std::uint64_t feed_id, std::shared_ptr<net::WsConnection> connection,
                   v1::LiveFeedSubscribe subscribe) override {
        local_.feed_open(feed_id, std::move(connection), std::move(subscribe));
    }
    void feed_subscribe(std::uint64_t feed_id, v1::LiveFeedSubscribe subscribe) override {
        local_.feed_subscribe(feed_id, std::move(subscribe));
    }
    void feed_closed(std::uint64_t feed_id) override { local_.feed_closed(feed_id); }

  private:
    std::shared_ptr<Hub> hub_;
    LocalHubLink local_;
};

}  // namespace yihu::api
