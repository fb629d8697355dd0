#pragma once

#include <string>

#include "api/hub/hub_metrics.h"
#include "net/http_server.h"
#include "ops/metrics.h"

namespace yihu::app {

// /metrics: the hub's counters and the listener's connection counts as Prometheus series.
class NodeMetrics {
  public:
    NodeMetrics(api::HubMetrics& hub, const net::HttpServer& server);
    std::string render() const { return registry_.render(); }

  private:
    ops::Registry registry_;
};

}  // namespace yihu::app
