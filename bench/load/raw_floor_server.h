#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace yihu::bench::load {

// The floor nothing can beat on this machine: a plain TCP server on 127.0.0.1 that accepts the phones' sockets and
// then writes one small message to each in a loop, one write(2) per socket. No framing, no encoding, no bookkeeping.
class RawFloorServer {
  public:
    RawFloorServer();  // listens on a free loopback port; accepts on its own thread
    ~RawFloorServer();
    RawFloorServer(const RawFloorServer&) = delete;
    RawFloorServer& operator=(const RawFloorServer&) = delete;

    std::uint16_t port() const { return port_; }
    std::size_t accepted() const;
    // Writes `size` bytes starting "<key>;" to every accepted socket. Returns CLOCK_MONOTONIC (ns) just before the
    // first write; `cpu_ns` is the writing thread's CPU time for the loop (on loopback it includes delivering the
    // bytes to the receiving sockets). Throws std::runtime_error when a write is short (a full socket buffer would
    // falsify the floor).
    std::int64_t broadcast(const std::string& key, std::size_t size, std::int64_t& cpu_ns);
    // Resets every accepted socket.
    void close_all();

  private:
    void accept_loop();

    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<int> fds_;
    std::thread thread_;
};

}  // namespace yihu::bench::load
