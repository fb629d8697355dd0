#include "app/federation.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>

#include "api/federation/peer_links.h"
#include "api/hub/hub_link.h"
#include "net/ws_dialer.h"

namespace yihu::app {

namespace {

core::Result<core::geo::Area> coverage_of(const ops::PeerConfig& peer) {
    std::vector<core::geo::Circle> circles;
    std::vector<core::geo::Polygon> polygons;
    for (const ops::CoverageCircle& c : peer.circles) {
        auto circle = core::geo::Circle::make(c.center, c.radius_m);
        if (!circle) return core::make_error(circle.error().code, "peer " + peer.name + ": " + circle.error().message);
        circles.push_back(*circle);
    }
    for (const auto& ring : peer.polygons) {
        auto polygon = core::geo::Polygon::make(ring);
        if (!polygon) {
            return core::make_error(polygon.error().code, "peer " + peer.name + ": " + polygon.error().message);
        }
        polygons.push_back(std::move(*polygon));
    }
    return core::geo::Area::make(std::move(circles), std::move(polygons));
}

}  // namespace

core::Result<std::unique_ptr<Federation>> Federation::make(const ops::Config& config,
                                                           std::function<core::Time()> clock) {
    if (config.federation.peers.empty()) return std::unique_ptr<Federation>();
    std::unique_ptr<Federation> f(new Federation(config, std::move(clock)));
    for (std::size_t i = 0; i < config.federation.peers.size(); ++i) {
        f->tls_refused_.push_back(std::make_unique<std::atomic<std::uint64_t>>(0));
    }
    for (const ops::PeerConfig& p : config.federation.peers) {
        auto area = coverage_of(p);
        if (!area) return area.error();
        f->peers_.push_back(api::FederationPeer{.name = p.name, .coverage = std::move(*area), .kinds = p.kinds});
    }
    return f;
}

Federation::Federation(const ops::Config& config, std::function<core::Time()> clock) : config_(config) {
    api::PeerLinks::Options options;
    options.city = config_.server.city;
    options.key = config_.federation.key;
    options.key_id = config_.federation.key_id;
    for (const ops::PeerConfig& p : config_.federation.peers) {
        options.peers.push_back(api::PeerKey{.name = p.name, .key = p.key, .key_id = p.key_id});
    }
    options.clock = std::move(clock);
    links_ = std::make_unique<api::PeerLinks>(std::move(options));
}

Federation::~Federation() = default;

api::FederationOptions Federation::hub_options() const {
    api::FederationOptions options;
    options.peers = peers_;
    options.send_window = config_.limits.ws_send_queue_limit / 4;
    // The links exist before any hub (make) and outlive every one (the node stops its hubs first).
    options.send = [this](const std::string& peer, std::shared_ptr<const std::string> frame) {
        return links_->send(peer, std::move(frame));
    };
    return options;
}

void Federation::attach(api::HubLink& hub) {
    // Not owned: the node's link outlives the links' use of it (the node stops the hub, then the I/O threads).
    links_->lead(std::shared_ptr<api::HubLink>(std::shared_ptr<void>(), &hub));
}

void Federation::lead(std::shared_ptr<api::Hub> hub) {
    links_->lead(std::make_shared<api::SharedHubLink>(std::move(hub)));
    spdlog::info("federation: this node leads; linking to {} peers", config_.federation.peers.size());
}

void Federation::step_down() {
    links_->step_down();
}

bool Federation::needs_tls() const {
    for (const ops::PeerConfig& p : config_.federation.peers) {
        if (p.tls) return true;
    }
    return false;
}

std::uint64_t Federation::tls_refused(std::size_t peer) const {
    return peer < tls_refused_.size() ? tls_refused_[peer]->load() : 0;
}

void Federation::dial(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> client_tls) {
    for (std::size_t i = 0; i < config_.federation.peers.size(); ++i) {
        const ops::PeerConfig& p = config_.federation.peers[i];
        net::DialOptions d;
        if (p.tls) {
            d.tls = client_tls;
            std::atomic<std::uint64_t>* refused = tls_refused_[i].get();
            d.on_tls_refused = [refused] { refused->fetch_add(1); };
        }
        d.host = p.host;
        d.port = p.port;
        d.more_endpoints = p.more_endpoints;
        d.target = "/v1/federation";
        d.message_limit = config_.limits.ws_message_limit;
        d.idle_timeout = std::chrono::duration_cast<std::chrono::seconds>(config_.delivery.idle_timeout);
        api::PeerLinks* links = links_.get();
        const std::string name = p.name;
        auto dialer = std::make_unique<net::WsDialer>(
            io, d, [links] { return links->dial_headers(); }, [links, name] { return links->dialled(name); },
            [links, name] { return links->leading() && !links->has_link(name); });
        dialer->start();
        dialers_.push_back(std::move(dialer));
        spdlog::info("federation: dialling {} at {}", p.name, p.url);
    }
}

void Federation::stop() {
    for (auto& d : dialers_) d->stop();
}

void Federation::release() {
    dialers_.clear();
}

}  // namespace yihu::app
