#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "ops/config.h"

namespace yihu::api {
class Hub;
}

namespace yihu::app {

// One yihu node: the store, the hub thread, and the listener with its I/O threads, wired from a Config.
// Used by yihu-server and, in-process on port 0, by the integration tests.
class Node {
  public:
    explicit Node(ops::Config config);
    ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    // Opens the store (restoring active alerts), then listens. Errors say what failed (bad data dir, port in use).
    core::Status start();
    // Graceful stop: refuse new connections, finish and commit what the hub holds, send it, close every WebSocket
    // with 1001 (going away), stop the I/O threads. Idempotent.
    void stop();

    std::uint16_t port() const;
    const std::string& token_secret() const;
    const ops::Config& config() const;
    std::string render_metrics() const;

  private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
};

// yihu-server's body: runs a node until SIGTERM or SIGINT, then stops it gracefully. Returns the exit code.
int run_until_signalled(ops::Config config);

}  // namespace yihu::app
