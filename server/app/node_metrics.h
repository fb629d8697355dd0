#pragma once

#include <functional>
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
    // A gauge read at each scrape (for series only the wiring knows, such as the cluster's).
    void gauge(const char* name, const char* help, std::function<double()> read) {
        registry_.gauge_callback(name, help, std::move(read));
    }
    // The same for a monotonic count kept by the wiring's parts.
    void counter(const char* name, const char* help, std::function<double()> read, ops::Labels labels = {}) {
        registry_.counter_callback(name, help, std::move(read), std::move(labels));
    }

  private:
    ops::Registry registry_;
};

}  // namespace yihu::app
