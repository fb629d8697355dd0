#include "ops/peer_config.h"

#include <charconv>
#include <cmath>
#include <set>

#include "ops/config.h"
#include "ops/peer_config_toml.h"
#include "ops/secret_file.h"

namespace yihu::ops {

namespace {

using core::Status;

core::Error invalid(std::string message) {
    return core::make_error(core::ErrorCode::kInvalidArgument, std::move(message));
}

std::string at(const toml::node& node) {
    return "line " + std::to_string(node.source().begin.line) + ": ";
}

Status read_string(const toml::node& node, const std::string& name, std::string& out) {
    const auto* s = node.as_string();
    if (!s) return invalid(at(node) + name + " must be a string");
    out = s->get();
    return Status::Ok();
}

bool read_number(const toml::node& node, double& out) {
    if (const auto* f = node.as_floating_point()) {
        out = f->get();
    } else if (const auto* i = node.as_integer()) {
        out = static_cast<double>(i->get());
    } else {
        return false;
    }
    return std::isfinite(out);
}

bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

// "ws://host:port" or "wss://host:port" (an optional trailing slash); wss:// dials TLS (docs/federation.md).
Status parse_one_url(const std::string& where, const PeerConfig& peer, std::string_view url, std::string& host,
                     std::uint16_t& port, bool& tls) {
    const std::string text(url);
    std::string_view scheme;
    for (std::string_view s : {"ws://", "wss://"}) {
        if (url.starts_with(s)) scheme = s;
    }
    if (scheme.empty()) return invalid(where + "peer.url must start with ws:// or wss://, got '" + text + "'");
    tls = scheme == "wss://";
    url.remove_prefix(scheme.size());
    if (url.ends_with('/')) url.remove_suffix(1);
    const auto colon = url.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || url.find('/') != std::string_view::npos) {
        return invalid(where + "peer.url must be ws://host:port or wss://host:port, got '" + text + "'");
    }
    unsigned number = 0;
    const std::string_view digits = url.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (ec != std::errc{} || end != digits.data() + digits.size() || number == 0 || number > 65535) {
        return invalid(where + "peer.url has no valid port: '" + peer.url + "'");
    }
    host = std::string(url.substr(0, colon));
    port = static_cast<std::uint16_t>(number);
    return Status::Ok();
}

// One URL, or several separated by commas (the nodes of a peer's cluster).
Status parse_peer_url(const std::string& where, PeerConfig& peer) {
    std::string_view rest = peer.url;
    bool first = true;
    for (;;) {
        const auto comma = rest.find(',');
        std::string_view one = rest.substr(0, comma);
        while (one.starts_with(' ')) one.remove_prefix(1);
        while (one.ends_with(' ')) one.remove_suffix(1);
        std::string host;
        std::uint16_t port = 0;
        bool tls = false;
        if (Status s = parse_one_url(where, peer, one, host, port, tls); !s) return s;
        if (first) {
            peer.host = std::move(host);
            peer.port = port;
            peer.tls = tls;
            first = false;
        } else {
            // One TLS context and one CA per peer: its nodes are all dialled the same way.
            if (tls != peer.tls)
                return invalid(where + "peer.url mixes ws:// and wss:// addresses: '" + peer.url + "'");
            peer.more_endpoints.emplace_back(std::move(host), port);
        }
        if (comma == std::string_view::npos) return Status::Ok();
        rest.remove_prefix(comma + 1);
    }
}

Status read_point(const toml::node& node, const std::string& name, core::geo::LatLng& out) {
    const auto* pair = node.as_array();
    if (!pair || pair->size() != 2 || !read_number(*pair->get(0), out.lat) || !read_number(*pair->get(1), out.lon) ||
        out.lat < -90 || out.lat > 90 || out.lon < -180 || out.lon > 180) {
        return invalid(at(node) + name + " must be [latitude, longitude] in degrees");
    }
    return Status::Ok();
}

Status read_coverage(const toml::node& node, const std::string& name, PeerConfig& peer) {
    const auto* list = node.as_array();
    if (!list) return invalid(at(node) + name + " must be an array");
    for (std::size_t i = 0; i < list->size(); ++i) {
        const toml::node& item = *list->get(i);
        const std::string item_name = name + "[" + std::to_string(i) + "]";
        const auto* parts = item.as_array();
        if (name.ends_with("circles")) {
            CoverageCircle c;
            if (!parts || parts->size() != 3 || !read_number(*parts->get(0), c.center.lat) ||
                !read_number(*parts->get(1), c.center.lon) || !read_number(*parts->get(2), c.radius_m) ||
                c.center.lat < -90 || c.center.lat > 90 || c.center.lon < -180 || c.center.lon > 180 ||
                c.radius_m <= 0) {
                return invalid(at(item) + item_name + " must be [latitude, longitude, radius_m], radius above 0");
            }
            peer.circles.push_back(c);
            continue;
        }
        if (!parts || parts->size() < 4) {
            return invalid(at(item) + item_name + " must be a closed ring of at least 4 [latitude, longitude] pairs");
        }
        std::vector<core::geo::LatLng> ring;
        for (std::size_t j = 0; j < parts->size(); ++j) {
            core::geo::LatLng p;
            if (Status s = read_point(*parts->get(j), item_name + "[" + std::to_string(j) + "]", p); !s) return s;
            ring.push_back(p);
        }
        peer.polygons.push_back(std::move(ring));
    }
    return Status::Ok();
}

Status read_peer(const toml::table& table, std::size_t index, PeerConfig& peer) {
    const std::string where =
        "line " + std::to_string(table.source().begin.line) + ": peer #" + std::to_string(index + 1) + ": ";
    std::set<std::string_view> seen;
    std::string key_file;
    for (auto&& [key, node] : table) {
        const std::string_view k = key.str();
        const std::string name = "peer." + std::string(k);
        seen.insert(k);
        Status status;
        if (k == "name") {
            status = read_string(node, name, peer.name);
        } else if (k == "url") {
            status = read_string(node, name, peer.url);
        } else if (k == "key") {
            status = read_string(node, name, peer.key);
        } else if (k == "key_file") {
            status = read_string(node, name, key_file);
        } else if (k == "key_id") {
            status = read_string(node, name, peer.key_id);
        } else if (k == "coverage_circles" || k == "coverage_polygons") {
            status = read_coverage(node, name, peer);
        } else if (k == "kinds") {
            const auto* list = node.as_array();
            if (!list) return invalid(at(node) + "peer.kinds must be an array of kind names");
            for (std::size_t i = 0; i < list->size(); ++i) {
                const auto* s = list->get(i)->as_string();
                core::AlertKind kind{};
                if (!s || !parse_alert_kind(s->get(), kind)) {
                    return invalid(at(*list->get(i)) +
                                   "peer.kinds: each must be one of missing_person, missing_child, drowning, suspect, "
                                   "disaster, general");
                }
                peer.kinds.push_back(kind);
            }
        } else {
            status = invalid(at(node) + "unknown key '" + std::string(k) +
                             "' in [[peer]] (known: name, url, key, key_file, key_id, coverage_circles, "
                             "coverage_polygons, kinds)");
        }
        if (!status) return status;
    }
    for (std::string_view required : {"name", "url", "key_id"}) {
        if (!seen.contains(required)) return invalid(where + "peer." + std::string(required) + " is missing");
    }
    if (!valid_name(peer.name)) return invalid(where + "peer.name must be 1-64 of [A-Za-z0-9_-]");
    if (Status s = parse_peer_url(where, peer); !s) return s;
    if (!key_file.empty()) {
        if (!peer.key.empty()) return invalid(where + "peer.key and peer.key_file are both set: keep one");
        auto key = read_secret_file(key_file);
        if (!key) return invalid(where + "peer.key_file: " + key.error().message);
        peer.key = *key;
    }
    if (peer.key.empty()) return invalid(where + "peer.key (or peer.key_file) is missing");
    if (peer.circles.empty() && peer.polygons.empty()) {
        return invalid(where + "peer.coverage_circles or peer.coverage_polygons must name at least one shape");
    }
    return Status::Ok();
}

}  // namespace

Status read_federation_table(const toml::table& table, FederationConfig& out) {
    std::string key_file;
    for (auto&& [key, node] : table) {
        const std::string_view k = key.str();
        Status status;
        if (k == "key") {
            status = read_string(node, "federation.key", out.key);
        } else if (k == "key_file") {
            status = read_string(node, "federation.key_file", key_file);
        } else if (k == "key_id") {
            status = read_string(node, "federation.key_id", out.key_id);
        } else {
            status = invalid(at(node) + "unknown key '" + std::string(k) +
                             "' in [federation] (known: key, key_file, key_id)");
        }
        if (!status) return status;
    }
    if (!key_file.empty()) {
        if (!out.key.empty()) return invalid("federation.key and federation.key_file are both set: keep one");
        auto key = read_secret_file(key_file);
        if (!key) return invalid("federation.key_file: " + key.error().message);
        out.key = *key;
    }
    return Status::Ok();
}

Status read_peers(const toml::node& node, FederationConfig& out) {
    const toml::array* array = node.as_array();
    if (!array || !array->is_array_of_tables()) {
        return invalid(at(node) + "peer must be a list of tables: write each one as [[peer]]");
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        PeerConfig peer;
        if (Status s = read_peer(*array->get(i)->as_table(), i, peer); !s) return s;
        out.peers.push_back(std::move(peer));
    }
    return Status::Ok();
}

Status validate_federation(const FederationConfig& federation, std::string_view city) {
    if (federation.peers.empty()) return Status::Ok();
    if (federation.key.empty()) {
        return invalid(
            "[[peer]] is configured but federation.key (or federation.key_file) is not: peers cannot "
            "verify this node's tokens");
    }
    if (federation.key_id.empty()) return invalid("federation.key_id is missing");
    std::set<std::string_view> names;
    for (const PeerConfig& p : federation.peers) {
        if (p.name == city) return invalid("peer '" + p.name + "' has this node's own city name");
        if (!names.insert(p.name).second) return invalid("peer.name '" + p.name + "' is used by two peers");
    }
    return Status::Ok();
}

}  // namespace yihu::ops
