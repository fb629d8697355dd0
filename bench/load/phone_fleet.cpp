#include "phone_fleet.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "mono_clock.h"
#include "proc_stats.h"

namespace yihu::bench::load {

using namespace std::chrono_literals;

Arrival arrivals(WorkerPool& pool, const std::string& key) {
    Arrival a;
    for (const std::string& line : pool.ask_all("stats " + key, 10s)) {
        std::istringstream in(line);
        std::string verb;
        Arrival w;
        in >> verb >> w.count >> w.first_ns >> w.last_ns >> w.dups >> w.payload_bytes;
        a.count += w.count;
        a.dups += w.dups;
        if (w.first_ns != 0 && (a.first_ns == 0 || w.first_ns < a.first_ns)) a.first_ns = w.first_ns;
        a.last_ns = std::max(a.last_ns, w.last_ns);
        a.payload_bytes = std::max(a.payload_bytes, w.payload_bytes);
    }
    return a;
}

Arrival wait_for(WorkerPool& pool, const std::string& key, std::int64_t at_least, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        Arrival a = arrivals(pool, key);
        if (a.count >= at_least || std::chrono::steady_clock::now() > deadline) return a;
        // The arrival stamps are the workers' own: polling late delays the answer, not the figure.
        std::this_thread::sleep_for(1ms);
    }
}

ConnectFigures connect_phones(WorkerPool& pool, const std::string& target, const std::vector<std::uint16_t>& ports,
                              std::size_t phones, std::size_t raw_size, const std::vector<pid_t>& servers,
                              ProgressLine& progress) {
    ConnectFigures f;
    f.rss_before_kib = rss_kib(servers);
    std::string port_list;
    for (std::uint16_t port : ports) {
        if (!port_list.empty()) port_list += ',';
        port_list += std::to_string(port);
    }
    const std::int64_t start = mono_ns();
    const std::size_t workers = pool.size();
    for (std::size_t w = 0; w < workers; ++w) {
        const std::size_t first = w * phones / workers;
        const std::size_t last = (w + 1) * phones / workers;
        pool.send(w, "connect " + target + " " + port_list + " " + std::to_string(first) + " " +
                         std::to_string(last - first) + " " + std::to_string(phones) + " " + std::to_string(raw_size));
    }
    std::int64_t last_ns = start;
    const auto replies = pool.collect("connected", std::chrono::milliseconds(60'000 + 10 * phones),
                                      [&](std::int64_t connected, std::int64_t) {
                                          const double s = static_cast<double>(mono_ns() - start) / 1e9;
                                          std::ostringstream t;
                                          t << "[" << target << " connect] " << connected << "/" << phones << " ("
                                            << static_cast<long long>(static_cast<double>(connected) / s) << "/s)";
                                          progress.update(t.str());
                                      });
    for (const std::string& line : replies) {
        std::istringstream in(line);
        std::string verb;
        std::int64_t ok = 0, failed = 0, first_ns = 0, l = 0;
        in >> verb >> ok >> failed >> first_ns >> l;
        f.ok += ok;
        f.failed += failed;
        last_ns = std::max(last_ns, l);
    }
    f.seconds = static_cast<double>(last_ns - start) / 1e9;
    f.per_second = f.seconds > 0 ? static_cast<double>(f.ok) / f.seconds : 0;
    // Let the server finish what the handshakes started (sessions registered, welcomes flushed) before weighing it.
    std::this_thread::sleep_for(500ms);
    f.rss_after_kib = rss_kib(servers);
    f.kib_per_connection =
        f.ok > 0 ? static_cast<double>(f.rss_after_kib - f.rss_before_kib) / static_cast<double>(f.ok) : 0;
    std::ostringstream t;
    t << "[" << target << " connect] " << f.ok << " open, " << f.failed << " failed in " << f.seconds << " s";
    progress.done(t.str());
    return f;
}

void close_phones(WorkerPool& pool) {
    pool.ask_all("close", 30s);
}

FleetCounts fleet_counts(WorkerPool& pool) {
    FleetCounts c;
    for (const std::string& line : pool.ask_all("counts", 10s)) {
        std::istringstream in(line);
        std::string verb;
        FleetCounts w;
        in >> verb >> w.open >> w.closed_by_peer >> w.errors >> w.pushes >> w.acks;
        c.open += w.open;
        c.closed_by_peer += w.closed_by_peer;
        c.errors += w.errors;
        c.pushes += w.pushes;
        c.acks += w.acks;
    }
    return c;
}

}  // namespace yihu::bench::load
