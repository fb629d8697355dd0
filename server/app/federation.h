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
class HubLink;
class PeerLinks;
}  // namespace yihu::api
namespace yihu::net {
class WsDialer;
}  // namespace yihu::net

namespace yihu::app {

// A node's federation (docs/federation.md): the hub's options from [[peer]], the live links, and one dialer per
// peer. Order of use: make() (checks the config), hub_options() before the hub exists, attach() once its link does,
// dial() once the node listens, stop() before the io_context goes.
class Federation {
  public:
    // nullptr when no peer is configured.
    static core::Result<std::unique_ptr<Federation>> make(const ops::Config& config);
    ~Federation();

    api::FederationOptions hub_options() const;
    void attach(api::HubLink& hub, std::function<core::Time()> clock);
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
    explicit Federation(const ops::Config& config);

    ops::Config config_;
    std::vector<api::FederationPeer> peers_;
    std::unique_ptr<api::PeerLinks> links_;
    std::vector<std::unique_ptr<net::WsDialer>> dialers_;
    std::vector<std::unique_ptr<std::atomic<std::uint64_t>>> tls_refused_;  // one per [[peer]], made in make()
};

}  // namespace yihu::app
