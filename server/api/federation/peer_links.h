#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "core/time.h"
#include "net/http_message.h"
#include "net/ws_connection.h"

namespace yihu::api {

class HubLink;

// A peer city as its links know it: the key that verifies its tokens, and the id that key goes by.
struct PeerKey {
    std::string name;
    std::string key;
    std::string key_id;
};

// This city's live links to its peers (docs/federation.md, "Peer links"): who may link (peer tokens only), the one
// live link per peer, and the hub's view of which peers are reachable (PeerLinkChanged). Thread-safe: sessions on
// any I/O thread and the hub thread (send) call it.
//
// One live link per pair: both cities dial, and when two links between them are open at once the one dialled by
// the city whose name sorts first (bytewise) stays; the other is closed with 1000 "duplicate link". A dialer does
// not dial while a link to its peer is live.
//
// Links exist only while a hub is attached (lead). A single node attaches its hub once; in a cluster every node
// holds a PeerLinks and only the leader has a hub attached: a follower answers a peer's dial with 503 and does not
// dial, and step_down() closes every link with 1013 (try again later), so the peer dials again and finds the
// leader, whose hub sends what its outbox holds unacknowledged.
class PeerLinks {
  public:
    struct Options {
        std::string city;    // this city's name (server.city)
        std::string key;     // signs this city's peer tokens (federation.key)
        std::string key_id;  // federation.key_id, sent in PeerHello
        std::vector<PeerKey> peers;
        std::function<core::Time()> clock;
        std::chrono::seconds token_ttl{300};
    };

    explicit PeerLinks(Options options);

    // From now on links are taken and dialled for this hub (this node leads). Any thread.
    void lead(std::shared_ptr<HubLink> hub);
    // No more links: each live one is closed with 1013, dials and upgrades are refused until lead() again. Links
    // opened for an earlier hub never attach to a later one. Any thread.
    void step_down();
    bool leading() const;

    // GET /v1/federation: the peer's token (Authorization: Bearer) must verify under one peer's key, have role
    // "peer" and name that peer as subject; otherwise 401 (403 for another role). Not leading: 503 UNAVAILABLE with
    // Retry-After. The accepted socket speaks only PeerEnvelopes.
    std::variant<std::unique_ptr<net::WsHandler>, net::HttpResponse> accept(const net::HttpRequest& request);
    // The handler of a link this city dialled to `peer`.
    std::unique_ptr<net::WsHandler> dialled(const std::string& peer);
    // The upgrade headers of a dial: a fresh token of this city (role peer, subject = city).
    std::vector<std::pair<std::string, std::string>> dial_headers() const;

    bool has_link(const std::string& peer) const;
    // Writes one frame on the peer's live link; false when there is none.
    bool send(const std::string& peer, std::shared_ptr<const std::string> frame);

    // --- For the sessions ---
    const std::string& city() const { return options_.city; }
    const std::string& key_id() const { return options_.key_id; }
    const PeerKey* peer(const std::string& name) const;
    // The hub a new session works with, and its term; null when not leading.
    std::pair<std::shared_ptr<HubLink>, std::uint64_t> hub() const;
    // The peer's Hello was good: the link becomes the peer's live link, or is refused (false) because the other
    // link between the two cities is the one kept, or because the hub of `term` is no longer attached.
    bool attach(const std::string& peer, std::shared_ptr<net::WsConnection> connection, bool dialled_here,
                std::uint64_t id, std::uint64_t term);
    void detach(const std::string& peer, std::uint64_t id);
    std::uint64_t next_id() { return next_id_.fetch_add(1); }

  private:
    struct Link {
        std::uint64_t id = 0;
        std::shared_ptr<net::WsConnection> connection;
        bool dialled_here = false;
    };
    void link_changed(HubLink& hub, const std::string& peer, bool up);

    Options options_;
    mutable std::mutex mutex_;
    std::shared_ptr<HubLink> hub_;  // null: not leading
    std::uint64_t term_ = 0;        // bumped by lead() and step_down()
    std::map<std::string, Link> live_;
    std::atomic<std::uint64_t> next_id_{1};
};

}  // namespace yihu::api
