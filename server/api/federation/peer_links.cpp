#include "api/federation/peer_links.h"

#include <spdlog/spdlog.h>

#include "api/auth/token.h"
#include "api/codec/http_reply.h"
#include "api/federation/peer_session.h"
#include "api/hub/hub_link.h"

namespace yihu::api {

PeerLinks::PeerLinks(Options options) : options_(std::move(options)) {}

void PeerLinks::lead(std::shared_ptr<HubLink> hub) {
    std::lock_guard lock(mutex_);
    hub_ = std::move(hub);
    ++term_;
}

void PeerLinks::step_down() {
    std::map<std::string, Link> closing;
    {
        std::lock_guard lock(mutex_);
        if (!hub_) return;
        hub_.reset();
        ++term_;
        closing.swap(live_);
    }
    // No PeerLinkChanged: the hub that held these links is stopping, and the next one starts with none up.
    for (auto& [peer, link] : closing) {
        spdlog::info("federation: link to {} closed: this node no longer leads", peer);
        link.connection->close(net::close_code::kTryAgainLater, "not the leader any more; dial again");
    }
}

bool PeerLinks::leading() const {
    std::lock_guard lock(mutex_);
    return hub_ != nullptr;
}

std::pair<std::shared_ptr<HubLink>, std::uint64_t> PeerLinks::hub() const {
    std::lock_guard lock(mutex_);
    return {hub_, term_};
}

const PeerKey* PeerLinks::peer(const std::string& name) const {
    for (const PeerKey& p : options_.peers) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

std::variant<std::unique_ptr<net::WsHandler>, net::HttpResponse> PeerLinks::accept(const net::HttpRequest& request) {
    const std::string token = request.bearer_token();
    if (token.empty()) return error_reply(v1::ERROR_CODE_UNAUTHENTICATED, "missing bearer token (a peer token)");
    if (!leading()) {
        // A follower in a cluster: the peer's dialer backs off and tries again, and finds the leader.
        return error_reply(v1::ERROR_CODE_UNAVAILABLE,
                           "this node does not lead " + options_.city + "'s cluster now; dial again later");
    }
    bool expired = false;
    for (const PeerKey& p : options_.peers) {
        VerifiedToken verified = verify_token(token, p.key, options_.clock());
        if (verified.error == TokenError::kExpired) expired = true;
        if (!verified.ok()) continue;
        if (verified.claims.role != Role::kPeer) {
            return error_reply(v1::ERROR_CODE_FORBIDDEN_ROLE, "/v1/federation needs a peer token, not " +
                                                                  std::string(to_string(verified.claims.role)));
        }
        if (verified.claims.subject != p.name) {
            return error_reply(v1::ERROR_CODE_FORBIDDEN_ROLE,
                               "a token under " + p.name + "'s key must name " + p.name + " as its subject");
        }
        spdlog::info("federation: {} linked in from {}", p.name, request.remote);
        return std::unique_ptr<net::WsHandler>(std::make_unique<PeerSession>(*this, p.name, false));
    }
    if (expired) return error_reply(v1::ERROR_CODE_TOKEN_EXPIRED, "token: expired");
    return error_reply(v1::ERROR_CODE_UNAUTHENTICATED, "token: no configured peer's key verifies it");
}

std::unique_ptr<net::WsHandler> PeerLinks::dialled(const std::string& peer) {
    return std::make_unique<PeerSession>(*this, peer, true);
}

std::vector<std::pair<std::string, std::string>> PeerLinks::dial_headers() const {
    Claims c;
    c.subject = options_.city;
    c.role = Role::kPeer;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(options_.clock().time_since_epoch()).count();
    c.issued_at = now;
    c.expires_at = now + options_.token_ttl.count();
    return {{"Authorization", "Bearer " + sign_token(c, options_.key)}};
}

bool PeerLinks::has_link(const std::string& peer) const {
    std::lock_guard lock(mutex_);
    return live_.contains(peer);
}

bool PeerLinks::send(const std::string& peer, std::shared_ptr<const std::string> frame) {
    std::shared_ptr<net::WsConnection> connection;
    {
        std::lock_guard lock(mutex_);
        auto it = live_.find(peer);
        if (it == live_.end()) return false;
        connection = it->second.connection;
    }
    return connection->send(net::Frame{std::move(frame), true});
}

bool PeerLinks::attach(const std::string& peer, std::shared_ptr<net::WsConnection> connection, bool dialled_here,
                       std::uint64_t id, std::uint64_t term) {
    const bool preferred = dialled_here == (options_.city < peer);
    std::shared_ptr<net::WsConnection> displaced;
    std::shared_ptr<HubLink> hub;
    {
        std::lock_guard lock(mutex_);
        if (!hub_ || term != term_) return false;
        hub = hub_;
        auto it = live_.find(peer);
        if (it != live_.end()) {
            const bool existing_preferred = it->second.dialled_here == (options_.city < peer);
            if (!preferred || existing_preferred) return false;
            displaced = std::move(it->second.connection);
        }
        live_[peer] = Link{.id = id, .connection = std::move(connection), .dialled_here = dialled_here};
    }
    if (displaced) displaced->close(net::close_code::kNormal, "duplicate link");
    // Up again after a switch too: the hub sends what the old link left unacknowledged at once.
    link_changed(*hub, peer, true);
    return true;
}

void PeerLinks::detach(const std::string& peer, std::uint64_t id) {
    std::shared_ptr<HubLink> hub;
    {
        std::lock_guard lock(mutex_);
        auto it = live_.find(peer);
        if (it == live_.end() || it->second.id != id) return;
        live_.erase(it);
        hub = hub_;
    }
    spdlog::info("federation: link to {} down", peer);
    link_changed(*hub, peer, false);
}

void PeerLinks::link_changed(HubLink& hub, const std::string& peer, bool up) {
    v1::HubCommand command;
    command.mutable_caller()->set_subject(peer);
    command.mutable_caller()->set_role(v1::CALLER_ROLE_PEER);
    command.mutable_peer_link_changed()->set_peer(peer);
    command.mutable_peer_link_changed()->set_up(up);
    hub.command(std::move(command), [](v1::HubResult) {});
}

}  // namespace yihu::api
