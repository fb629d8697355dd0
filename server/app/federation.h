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
    void dial(boost::asio::io_context& io);
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
};

}  // namespace yihu::app
