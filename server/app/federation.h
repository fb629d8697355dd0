#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "api/federation/federation_options.h"
#include "core/result.h"
#include "ops/config.h"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}  // namespace ssl
}  // namespace boost::asio

namespace yihu::api {
class Hub;
class HubLink;
class PeerLinks;
}  // namespace yihu::api
namespace yihu::net {
class WsDialer;
}  // namespace yihu::net

namespace yihu::app {

// A node's federation (docs/federation.md): the hub's options from [[peer]], the live links, and one dialer per
// peer. Order of use: make() (checks the config), hub_options() before the hub exists, then a single node attach()es
// its hub once, while a cluster node calls lead() each time its hub starts on this node and step_down() before that
// hub stops; dial() once the node listens, stop() before the io_context goes. Links are taken and dialled only while
// a hub is attached (docs/cluster.md, "Federation").
class Federation {
  public:
    // nullptr when no peer is configured.
    static core::Result<std::unique_ptr<Federation>> make(const ops::Config& config, std::function<core::Time()> clock);
    ~Federation();

    api::FederationOptions hub_options() const;
    // A single node's hub, for the node's whole life (the node owns the link and outlives the links).
    void attach(api::HubLink& hub);
    // Cluster: this node's hub started (it restored the outbox); the links are taken and dialled for it. Any thread.
    void lead(std::shared_ptr<api::Hub> hub);
    // Cluster: this node's hub is about to stop; every link closes with 1013 and no dial starts. Any thread.
    void step_down();
    // Whether any [[peer]] url is wss:// (then the node needs a client TLS context: [tls] ca_file or the system's).
    bool needs_tls() const;
    // `client_tls` verifies the certificates of wss:// peers (required when needs_tls()).
    void dial(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> client_tls);
    // TLS handshakes with the peer at this index of [[peer]] that failed (its certificate refused). Any thread.
    std::uint64_t tls_refused(std::size_t peer) const;
    void stop();
    // Drops the dialers: after the io_context's threads are joined and before the io_context goes.
    void release();
    api::PeerLinks* links() const { return links_.get(); }

  private:
    Federation(const ops::Config& config, std::function<core::Time()> clock);

    ops::Config config_;
    std::vector<api::FederationPeer> peers_;
    std::unique_ptr<api::PeerLinks> links_;
    std::vector<std::unique_ptr<net::WsDialer>> dialers_;
    std::vector<std::unique_ptr<std::atomic<std::uint64_t>>> tls_refused_;  // one per [[peer]], made in make()
};

}  // namespace yihu::app
