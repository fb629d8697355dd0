#pragma once

#include <cstdint>
#include <vector>

namespace yihu::bench::load {

// One message to every phone: a city-wide alert (yihu) or a broadcast (Node.js ws, raw loopback). Times run from just
// before the request was sent (yihu, node) or the first write (raw) to an arrival at a phone.
struct FanoutRound {
    double first_us = 0, last_us = 0;
    double reply_us = 0;  // the request's answer (yihu's 201, node's 200); 0 for raw
    std::int64_t received = 0, dups = 0, payload_bytes = 0;
    double per_recipient_us = 0;  // last_us / phones
    // The sender's CPU time from the request until the last arrival, per phone: yihu-server or node (every thread),
    // the raw server's writing thread. Less sensitive than wall time to other work on a shared machine.
    double cpu_per_recipient_us = 0;
    // yihu only: the same for the hub thread alone (the one thread that decides every push), 0 elsewhere.
    double hub_cpu_per_recipient_us = 0;
    std::int64_t closed = 0;  // yihu: close notices after the resolve
    bool settled = true;      // yihu: every push acknowledged before the next round (YihuProbes::wait_until_acked)
};

struct FanoutFigures {
    std::vector<FanoutRound> rounds;
    std::int64_t rss_before_kib = 0;  // with every phone connected, before the first round
    std::int64_t rss_after_kib = 0;   // after the last round (yihu: every alert resolved and acknowledged)
};

// Drowning alerts one at a time, each resolved before the next: POST -> the first push read by any phone.
struct LatencyFigures {
    std::vector<double> first_push_us;
    std::vector<double> reply_us;                                 // POST -> 201
    int missed = 0;                                               // no phone got the alert within 5 s
    double positions_target_per_s = 0, positions_sent_per_s = 0;  // mixed mode: the background position load
};

// One step of the position ramp.
struct PositionStep {
    double target_per_s = 0, sent_per_s = 0, applied_per_s = 0;
    double server_cpu_us_per_update = 0;        // server CPU time (all threads) / updates applied
    double server_cores = 0, client_cores = 0;  // CPU time / wall time: who was the limit
    // The phones sent at least 95% of the target: below that the client (or the machine) was the limit, not yihu.
    bool kept_up() const { return sent_per_s >= 0.95 * target_per_s; }
};

}  // namespace yihu::bench::load
