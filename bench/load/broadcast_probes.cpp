#include "broadcast_probes.h"

#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "mono_clock.h"
#include "phone_fleet.h"
#include "proc_stats.h"

namespace yihu::bench::load {

using namespace std::chrono_literals;

namespace {

// `send(key, replied_ns, cpu_ns)` starts one broadcast and returns when it started; it sets replied_ns when the server
// answers, and cpu_ns when it measures the sender's CPU itself (else the server process's CPU is used).
template <typename Send>
FanoutFigures run_rounds(WorkerPool& pool, const std::string& label, const std::string& prefix, pid_t server,
                         std::size_t phones, int rounds, Send send, ProgressLine& progress) {
    FanoutFigures f;
    f.rss_before_kib = rss_kib(server);
    const auto n = static_cast<std::int64_t>(phones);
    for (int r = 0; r < rounds; ++r) {
        const std::string key = prefix + std::to_string(r + 1);
        std::int64_t replied_ns = 0, sender_cpu_ns = -1;
        const std::int64_t cpu_before = cpu_ns(server);
        const std::int64_t sent_ns = send(key, replied_ns, sender_cpu_ns);
        const Arrival a = wait_for(pool, key, n, std::chrono::milliseconds(60'000 + phones));
        if (sender_cpu_ns < 0) sender_cpu_ns = cpu_ns(server) - cpu_before;
        FanoutRound round;
        round.cpu_per_recipient_us = static_cast<double>(sender_cpu_ns) / 1e3 / static_cast<double>(n);
        round.received = a.count;
        round.dups = a.dups;
        round.payload_bytes = a.payload_bytes;
        if (replied_ns > 0) round.reply_us = static_cast<double>(replied_ns - sent_ns) / 1e3;
        if (a.count > 0) {
            round.first_us = static_cast<double>(a.first_ns - sent_ns) / 1e3;
            round.last_us = static_cast<double>(a.last_ns - sent_ns) / 1e3;
            round.per_recipient_us = round.last_us / static_cast<double>(n);
        }
        f.rounds.push_back(round);
        progress.update(label + " round " + std::to_string(r + 1) + "/" + std::to_string(rounds));
        std::this_thread::sleep_for(50ms);  // the sockets are drained before the next round
    }
    f.rss_after_kib = rss_kib(server);
    progress.done(label + " " + std::to_string(rounds) + " rounds done");
    return f;
}

}  // namespace

FanoutFigures node_fanout(WorkerPool& pool, NodeServer& server, std::size_t phones, int rounds, std::size_t size,
                          ProgressLine& progress) {
    return run_rounds(
        pool, "[node fan-out]", "bn", server.pid(), phones, rounds,
        [&](const std::string& key, std::int64_t& replied_ns, std::int64_t&) {
            const std::int64_t start = mono_ns();
            server.broadcast(key, size);
            replied_ns = mono_ns();
            return start;
        },
        progress);
}

FanoutFigures raw_fanout(WorkerPool& pool, RawFloorServer& server, std::size_t phones, int rounds, std::size_t size,
                         ProgressLine& progress) {
    return run_rounds(
        pool, "[raw fan-out]", "br", getpid(), phones, rounds,
        [&](const std::string& key, std::int64_t&, std::int64_t& cpu) { return server.broadcast(key, size, cpu); },
        progress);
}

}  // namespace yihu::bench::load
