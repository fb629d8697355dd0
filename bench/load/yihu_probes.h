#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "contender_servers.h"
#include "probe_figures.h"
#include "progress_line.h"
#include "worker_pool.h"

namespace yihu::bench::load {

// The measurements against yihu-server, with `phones` volunteers connected through `pool` (phone_placement.h).
class YihuProbes {
  public:
    YihuProbes(WorkerPool& pool, YihuServer& server, const std::string& secret, std::size_t phones,
               ProgressLine& progress);
    ~YihuProbes();

    // `rounds` city-wide alerts (kind disaster over the whole city), each resolved once every phone has it, the next
    // posted once every push is acknowledged (wait_until_acked); memory before the first and after the last once the
    // close notices are acknowledged.
    FanoutFigures fanout(int rounds);
    // `alerts` drowning alerts at random phones' places; with `positions_per_s` > 0 the phones send that many
    // position updates per second meanwhile (the mixed mode).
    LatencyFigures drowning(int alerts, double positions_per_s, std::uint64_t seed);
    // Position updates at each rate for `seconds`: what was sent, what the server applied, what it cost its CPU.
    std::vector<PositionStep> positions(const std::vector<double>& rates, double seconds);
    // The server's CPU use (cores) while the phones are connected and silent: what every figure above includes.
    double idle_cores(double seconds);

  private:
    struct Posted {
        std::string id;
        std::int64_t sent_ns = 0, replied_ns = 0;
    };
    Posted post_alert(const std::string& body);
    void resolve(const std::string& id);
    // Until every push sequenced so far is acknowledged (the nodes' yihu_acks_total reaches yihu_pushes_total);
    // false if `timeout` passed first.
    bool wait_until_acked(std::chrono::milliseconds timeout);

    WorkerPool& pool_;
    YihuServer& server_;
    std::size_t phones_;
    ProgressLine& progress_;
    std::string token_;
    std::unique_ptr<client::HttpClient> http_;
};

}  // namespace yihu::bench::load
