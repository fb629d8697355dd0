#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/alert/alert_kind.h"
#include "core/geo/lat_lng.h"
#include "core/result.h"

namespace yihu::ops {

// A circle of a peer's coverage: centre and radius in metres.
struct CoverageCircle {
    core::geo::LatLng center;
    double radius_m = 0;
};

// A [[peer]] table: a neighbouring city this node links to (docs/federation.md, "Peer links").
struct PeerConfig {
    std::string name;  // the peer's city name (its server.city): [A-Za-z0-9_-], unique
    // ws://host:port or wss://host:port of the peer's node; the link dials <url>/v1/federation. A peer that runs a
    // cluster may be given every node, comma-separated ("ws://a:8080,ws://b:8080", one scheme for all): the dialer
    // tries them in turn until the leader takes the link.
    std::string url;
    std::string host;  // from url (its first address)
    std::uint16_t port = 0;
    std::vector<std::pair<std::string, std::uint16_t>> more_endpoints;  // from url: the addresses after the first
    bool tls = false;  // wss://: the peer's certificate must chain to [tls] ca_file and carry the host dialled
    // The HS256 key that verifies the peer's tokens (role "peer", subject = name) and the id it goes by.
    std::string key;
    std::string key_id;
    // The area its volunteers cover (at least one shape): alerts whose reach touches it are forwarded to it.
    std::vector<CoverageCircle> circles;
    std::vector<std::vector<core::geo::LatLng>> polygons;  // closed rings (first == last)
    // Only these kinds are forwarded by area (an explicit forward ignores it). Empty: every kind.
    std::vector<core::AlertKind> kinds;
};

// [federation]: how this node proves itself to its peers. Its peers configure the same key for it.
struct FederationConfig {
    std::string key;     // signs this node's peer tokens (HS256); required when any [[peer]] is configured
    std::string key_id;  // sent in PeerHello.key_id; must match the id the peers configured
    std::vector<PeerConfig> peers;
};

inline constexpr std::string_view kPeerSection = "peer";
inline constexpr std::string_view kFederationSection = "federation";

// Checks across keys: unique names, a key for every peer and for this node, no peer named after this city.
core::Status validate_federation(const FederationConfig& federation, std::string_view city);

}  // namespace yihu::ops
