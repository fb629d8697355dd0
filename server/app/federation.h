#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "api/federation/federation_options.h"
#include "core/result.h"
#include "ops/config.h"

namespace boost::asio {
class io_context;
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
    void dial(boost::asio::io_context& io);
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
};

}  // namespace yihu::app
