// store_commit_bench: what one group commit of a city-wide alert costs each store. Builds the write batch the hub
// builds for an alert that reaches N volunteers (the alert, N recipients, N audit entries, N pushes with their
// seqs; a push is its ~10-byte envelope plus the alert's shared body, handed over once as one buffer, as the hub does
// since store format 2) and times Store::apply on the SQLite store (WAL, synchronous=FULL) and on the Redis store (a
// redis-server with AOF, appendfsync always, started here), whole and part by part, so the cost per recipient shows
// where it is.

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/local_redis.h"
#include "redis/redis_address.h"
#include "store/redis_store.h"
#include "store/store.h"

namespace {

using namespace yihu;
using Clock = std::chrono::steady_clock;

// Sizes as the hub writes them: a recipient snapshot, an audit entry and the envelope of a push are tens of bytes;
// a push's shared body (the alert as a phone sees it) is several hundred.
constexpr std::size_t kRecipientBytes = 40;
constexpr std::size_t kAuditBytes = 36;
constexpr std::size_t kEnvelopeBytes = 10;
constexpr std::size_t kBodyBytes = 610;
constexpr std::size_t kAlertBytes = 700;

struct Parts {
    bool recipients = true;
    bool audit = true;
    bool deliveries = true;
};

std::string volunteer(std::size_t i) {
    char name[32];
    std::snprintf(name, sizeof name, "v-%06zu", i);
    return name;
}

store::WriteBatch city_wide(std::uint64_t alert, std::uint64_t seq, std::size_t n, Parts parts) {
    store::WriteBatch b;
    const core::Time t = core::time_from_ms(1'795'312'800'000 + static_cast<std::int64_t>(alert));
    const std::string id = "dongguan-" + std::to_string(alert);
    const auto body = std::make_shared<const std::string>(kBodyBytes, 'p');
    b.alerts.push_back(store::AlertRecord{.number = alert,
                                          .id = id,
                                          .active = true,
                                          .created_at = t,
                                          .updated_at = t,
                                          .snapshot = std::string(kAlertBytes, 'a')});
    for (std::size_t i = 0; i < n; ++i) {
        const std::string v = volunteer(i);
        if (parts.recipients) {
            b.recipients.push_back(store::RecipientRecord{
                .alert_number = alert, .volunteer = v, .snapshot = std::string(kRecipientBytes, 'r')});
        }
        if (parts.audit) {
            b.audit.push_back(
                store::AuditRecord{.alert_number = alert, .index = i, .at = t, .entry = std::string(kAuditBytes, 'e')});
        }
        if (parts.deliveries) {
            b.deliveries.push_back(store::DeliveryRecord{.volunteer = v,
                                                         .seq = seq,
                                                         .alert_id = id,
                                                         .kind = 1,
                                                         .payload = std::string(kEnvelopeBytes, 'e'),
                                                         .created_at = t,
                                                         .shared = body});
        }
    }
    return b;
}

struct Row {
    const char* part;
    Parts parts;
};

// CPU time of the calling thread: the hub thread's own cost of a commit, which a loaded machine does not inflate the
// way it inflates wall time (waits for the disk and for redis-server are not in it).
double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Runs `rounds` commits of each part at each size; alert numbers and seqs keep increasing so nothing is overwritten.
void run(const char* name, store::Store& s, const std::vector<std::size_t>& sizes, int rounds) {
    static const Row rows[] = {{"whole", {true, true, true}},
                               {"recipients", {true, false, false}},
                               {"audit", {false, true, false}},
                               {"pushes", {false, false, true}}};
    std::uint64_t alert = 0;
    std::uint64_t seq = 0;
    for (std::size_t n : sizes) {
        for (const Row& row : rows) {
            std::vector<double> ms;
            std::vector<double> cpu_ms;
            for (int r = 0; r < rounds; ++r) {
                const store::WriteBatch b = city_wide(++alert, ++seq, n, row.parts);
                const double cpu_started = thread_cpu_ms();
                const auto started = Clock::now();
                if (auto st = s.apply(b); !st) {
                    std::fprintf(stderr, "%s: apply failed: %s\n", name, st.error().message.c_str());
                    std::exit(1);
                }
                ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
                cpu_ms.push_back(thread_cpu_ms() - cpu_started);
            }
            const double m = median(ms);
            std::printf(
                "%-7s %6zu recipients  %-10s  median %8.2f ms  min %8.2f ms  %6.2f us/recipient  this thread's CPU "
                "%7.2f ms\n",
                name, n, row.part, m, *std::min_element(ms.begin(), ms.end()), m * 1000.0 / static_cast<double>(n),
                median(cpu_ms));
            std::fflush(stdout);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::size_t> sizes{1000, 5000, 15000};
    int rounds = 5;
    bool redis = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--quick") {
            sizes = {200};
            rounds = 2;
        } else if (a == "--no-redis") {
            redis = false;
        } else if (a == "--rounds" && i + 1 < argc) {
            rounds = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: store_commit_bench [--quick] [--no-redis] [--rounds N]\n");
            return 2;
        }
    }
    std::printf(
        "store_commit_bench: one apply() of a city-wide alert's batch; sizes per row: recipient %zu B, audit "
        "%zu B, push %zu B envelope + %zu B shared body; %d rounds, median\n",
        kRecipientBytes, kAuditBytes, kEnvelopeBytes, kBodyBytes, rounds);

    char dir_template[] = "/tmp/yihu-store-bench-XXXXXX";
    if (!mkdtemp(dir_template)) return 1;
    const std::filesystem::path dir = dir_template;
    {
        auto sqlite = store::open_sqlite_store(dir / "sqlite");
        if (!sqlite) {
            std::fprintf(stderr, "sqlite: %s\n", sqlite.error().message.c_str());
            return 1;
        }
        run("sqlite", **sqlite, sizes, rounds);
    }
    if (redis) {
        std::filesystem::create_directories(dir / "redis");
        client::LocalRedis server({.dir = dir / "redis", .aof = true});
        store::RedisStoreOptions options;
        options.address = *redis::parse_redis_url(server.url());
        options.timeout = std::chrono::seconds(30);
        auto r = store::open_redis_store(options);
        if (!r) {
            std::fprintf(stderr, "redis: %s\n", r.error().message.c_str());
            return 1;
        }
        run("redis", **r, sizes, rounds);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
