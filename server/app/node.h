#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "ops/config.h"

namespace yihu::api {
class Hub;
}
namespace yihu::store {
class Store;
}

namespace yihu::app {

// One yihu node: the store, the hub thread, and the listener with its I/O threads, wired from a Config.
// Used by yihu-server and, in-process on port 0, by the integration tests.
class Node {
  public:
    // Opens a single node's store. The default opens the SQLite store in store.data_dir; tests pass another (a Redis
    // store, a store that fails on purpose). Not used in cluster mode.
    using StoreOpener = std::function<core::Result<std::unique_ptr<store::Store>>(const ops::Config&)>;

    explicit Node(ops::Config config, StoreOpener open_store = {});
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
