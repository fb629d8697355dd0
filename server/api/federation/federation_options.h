#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/alert/alert_kind.h"
#include "core/geo/area.h"
#include "core/time.h"

namespace yihu::api {

// A neighbouring city as the hub sees it: what it covers and which alerts it wants (ops::PeerConfig, checked).
struct FederationPeer {
    std::string name;
    core::geo::Area coverage;
    std::vector<core::AlertKind> kinds;  // empty: every kind
};

// The hub's side of federation (docs/federation.md). Without peers the hub federates nothing.
struct FederationOptions {
    std::vector<FederationPeer> peers;
    // Writes one encoded PeerEnvelope on the peer's live link; false when it has none. Called on the hub thread; must
    // not block (WsConnection::send).
    std::function<bool(const std::string& peer, std::shared_ptr<const std::string> frame)> send;
    // An unacknowledged message is sent again after retry_min, doubling up to retry_max, while its peer is linked.
    core::Duration retry_min = std::chrono::seconds(1);
    core::Duration retry_max = std::chrono::seconds(60);
    // Bytes written to one peer and not yet acknowledged (within their retry time) before the next message waits for
    // acks: a link that comes up with thousands of messages waiting must not get them all at once, or they overflow
    // its send queue (limits.ws_send_queue_limit) and the link is closed as a slow reader. One message always goes.
    std::size_t send_window = 256 * 1024;
    // A receiving city reports its counts of an alert upstream at most this often, and only when they changed.
    core::Duration summary_interval = std::chrono::seconds(1);
};

}  // namespace yihu::api
