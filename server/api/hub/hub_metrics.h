#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace yihu::api {

// What the hub counts. Plain atomics, written by the hub thread and read by whoever renders /metrics, so the API
// layer does not depend on the metrics registry; the app layer exposes them (app/node_metrics.cpp).
struct HubMetrics {
    std::atomic<std::uint64_t> position_updates{0};
    std::atomic<std::uint64_t> pushes{0};       // pushes sequenced (alert, update, stand-down, closed)
    std::atomic<std::uint64_t> pushes_sent{0};  // frames written to a connected phone, retries included
    std::atomic<std::uint64_t> push_retries{0};
    std::atomic<std::uint64_t> acks{0};
    std::atomic<std::uint64_t> replayed{0};  // pushes replayed to resuming phones
    std::atomic<std::uint64_t> protocol_errors{0};
    std::atomic<std::uint64_t> store_failures{0};
    // Store reads made to tell a closed alert that left memory from an id never stored (Hub::absent_state).
    std::atomic<std::uint64_t> absent_alert_reads{0};
    std::atomic<std::int64_t> volunteers_connected{0};
    std::atomic<std::int64_t> feeds_connected{0};
    std::atomic<std::int64_t> alerts_active{0};
    std::atomic<std::int64_t> alerts_closed{0};
    // Alerts held in memory: open ones, and closed ones until their closing commit is durable.
    std::atomic<std::int64_t> alerts_in_memory{0};
    // Federation: messages waiting for a peer's ack; envelopes written to links (retries included); messages a peer
    // refused; envelopes this city refused.
    std::atomic<std::int64_t> federation_outbox{0};
    std::atomic<std::uint64_t> federation_sent{0};
    std::atomic<std::uint64_t> federation_refused_by_peer{0};
    std::atomic<std::uint64_t> federation_refused{0};
    // Latencies in seconds; unset: not observed.
    std::function<void(double)> observe_ack_latency;
    std::function<void(double)> observe_match_latency;
};

}  // namespace yihu::api
