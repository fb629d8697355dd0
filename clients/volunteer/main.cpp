// yihu-volunteer: simulated volunteers' phones for demos, load and manual testing. Each volunteer holds its own
// WebSocket to /v1/volunteer; a few threads take turns driving them (each phone's receive waits a short moment), which
// keeps the tool simple and is plenty for a few hundred phones on one machine.
//
//   yihu-volunteer --data-dir yihu-data --count 200 --center 22.93,113.89 --radius-m 3000
//                  --skill-mix water_rescue:0.1,swimmer:0.1 --accept-probability 0.35 --duration 60s
//
// Exit status: 0; 1 if some phone gave up (the server said not to reconnect); 2 for a usage error.

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <random>
#include <thread>
#include <vector>

#include "tools/console.h"
#include "tools/stop_signal.h"
#include "tools/token_source.h"
#include "volunteer/phone.h"
#include "volunteer/sim_options.h"

namespace {

using namespace std::chrono_literals;
using yihu::sim::Clock;
using yihu::sim::Phone;
using yihu::sim::SimOptions;
using yihu::sim::Tally;

constexpr int kUsageError = 2;
constexpr int kPhonesPerThread = 50;
constexpr int kMaxAutoThreads = 4;
constexpr std::chrono::milliseconds kRound = 50ms;  // how long a thread takes to visit all its idle phones
constexpr std::chrono::milliseconds kMinRound = 10ms;
constexpr std::size_t kConnectionLinesUpTo = 20;  // more phones than this: one "online" line instead of one each

// splitmix64: independent-looking seeds for volunteer i, the same whatever --count is.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::vector<std::unique_ptr<Phone>> make_phones(const SimOptions& o, const yihu::sim::PhoneSettings& settings) {
    std::vector<std::unique_ptr<Phone>> phones;
    phones.reserve(static_cast<std::size_t>(o.count));
    for (int i = 0; i < o.count; ++i) {
        const int number = o.first + i;
        std::mt19937_64 rng(mix(o.seed ^ mix(static_cast<std::uint64_t>(number))));
        yihu::api::Claims claims;
        claims.subject = o.id_prefix + "-" + std::to_string(number);
        claims.role = yihu::api::Role::kVolunteer;
        claims.tier = o.tier;
        claims.teams = o.teams;
        claims.skills = o.skills;
        for (const auto& [skill, probability] : o.skill_mix) {
            const bool has = std::bernoulli_distribution(probability)(rng);
            if (has && std::find(claims.skills.begin(), claims.skills.end(), skill) == claims.skills.end()) {
                claims.skills.push_back(skill);
            }
        }
        const auto start = o.placement.start(static_cast<std::size_t>(i), rng);
        phones.push_back(std::make_unique<Phone>(settings, std::move(claims), start, rng()));
    }
    return phones;
}

std::string volunteers(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " volunteer" : " volunteers");
}

void drive(const std::vector<Phone*>& phones, Clock::time_point end) {
    const auto wait = std::max<std::chrono::milliseconds>(1ms, kRound / static_cast<long>(phones.size()));
    while (!yihu::tools::stop_requested() && Clock::now() < end) {
        const auto round_start = Clock::now();
        bool any_left = false;
        for (Phone* phone : phones) {
            if (yihu::tools::stop_requested()) break;
            phone->step(Clock::now(), wait);
            any_left = any_left || !phone->gave_up();
        }
        if (!any_left) break;
        // Phones waiting to reconnect return at once: do not spin.
        const auto spent = Clock::now() - round_start;
        if (spent < kMinRound) std::this_thread::sleep_for(kMinRound - spent);
    }
    for (Phone* phone : phones) phone->shut_down(500ms);
}

// Reports the number of open sessions when it settles (all connected, or a change that held for a second).
class OnlineReporter {
  public:
    OnlineReporter(const std::atomic<int>& online, int total) : online_(online), total_(total) {}
    void poll(Clock::time_point now) {
        const int count = online_.load();
        if (count != candidate_) {
            candidate_ = count;
            since_ = now;
        }
        if (candidate_ == printed_) return;
        if (candidate_ == total_ || now - since_ >= 1s) {
            printed_ = candidate_;
            yihu::tools::print_line("online: " + std::to_string(printed_) + "/" + std::to_string(total_) +
                                    " volunteers" + (printed_ == total_ ? " (all connected)" : ""));
        }
    }

  private:
    const std::atomic<int>& online_;
    int total_;
    int candidate_ = -1;
    int printed_ = 0;
    Clock::time_point since_{};
};

void print_summary(const std::vector<std::unique_ptr<Phone>>& phones, Clock::duration ran) {
    Tally total;
    int alerted = 0, gave_up = 0;
    for (const auto& p : phones) {
        total += p->tally();
        alerted += p->tally().alerts > 0 ? 1 : 0;
        gave_up += p->gave_up() ? 1 : 0;
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(ran).count();
    std::string s = "summary: " + volunteers(phones.size()) + ", " + std::to_string(seconds) + " s\n";
    s += "  alerts received " + std::to_string(total.alerts) + " (by " + volunteers(alerted) + ")\n";
    s += "  accepted        " + std::to_string(total.accepted) + "\n";
    s += "  declined        " + std::to_string(total.declined) + "\n";
    s += "  stood down      " + std::to_string(total.stood_down) + "\n";
    s += "  closed notices  " + std::to_string(total.closed) + "\n";
    s += "  updates         " + std::to_string(total.updates) + "\n";
    s += "  reconnects " + std::to_string(total.reconnects) + ", disconnects " + std::to_string(total.disconnects) +
         ", server errors " + std::to_string(total.errors) + ", gave up " + std::to_string(gave_up);
    yihu::tools::print_line(s);
}

}  // namespace

int main(int argc, char** argv) {
    auto parsed = yihu::sim::parse_sim_options(argc, argv);
    if (!parsed) {
        std::cerr << "yihu-volunteer: " << parsed.error().message << " (see --help)\n";
        return kUsageError;
    }
    if (!*parsed) return 0;
    const SimOptions& o = **parsed;
    auto secret = yihu::tools::load_secret(o.secret);
    if (!secret) {
        std::cerr << "yihu-volunteer: " << secret.error().message << "\n";
        return kUsageError;
    }

    std::atomic<int> online{0};
    yihu::sim::PhoneSettings settings;
    settings.host = o.host;
    settings.port = o.port;
    settings.secret = *secret;
    settings.json = o.json;
    settings.accept_probability = o.accept_probability;
    settings.reaction = o.reaction;
    settings.walk_m_per_s = o.walk_m_per_s;
    settings.position_interval = o.position_interval;
    settings.area = &o.placement;
    settings.quiet = o.quiet;
    settings.connection_lines = static_cast<std::size_t>(o.count) <= kConnectionLinesUpTo;
    settings.id_width = (o.id_prefix + "-" + std::to_string(o.first + o.count - 1)).size();
    settings.online = &online;
    auto phones = make_phones(o, settings);

    const int threads = o.threads > 0
                            ? std::min(o.threads, o.count)
                            : std::clamp((o.count + kPhonesPerThread - 1) / kPhonesPerThread, 1, kMaxAutoThreads);
    std::map<std::string, int> skill_counts;
    for (const auto& p : phones) {
        for (const auto& skill : p->claims().skills) ++skill_counts[skill];
    }
    std::string skills_text;
    for (const auto& [skill, n] : skill_counts) {
        skills_text += (skills_text.empty() ? "" : ", ") + skill + " " + std::to_string(n);
    }
    yihu::tools::print_line(
        "yihu-volunteer: " + volunteers(o.count) + " " + o.id_prefix + "-" + std::to_string(o.first) + ".." +
        o.id_prefix + "-" + std::to_string(o.first + o.count - 1) + " " + o.placement_text + ", accept probability " +
        std::to_string(o.accept_probability).substr(0, 4) + ", " + (o.json ? "JSON" : "protobuf") + " frames, " +
        std::to_string(threads) + " thread(s), server " + o.host + ":" + std::to_string(o.port));
    yihu::tools::print_line("skills: " + (skills_text.empty() ? std::string("none") : skills_text));

    yihu::tools::install_stop_handlers();
    const auto started = Clock::now();
    const auto end = o.duration.count() > 0 ? started + o.duration : Clock::time_point::max();
    std::vector<std::vector<Phone*>> shares(static_cast<std::size_t>(threads));
    for (std::size_t i = 0; i < phones.size(); ++i) shares[i % shares.size()].push_back(phones[i].get());
    std::vector<std::thread> workers;
    std::atomic<int> running{threads};
    for (const auto& share : shares) {
        workers.emplace_back([&share, end, &running] {
            drive(share, end);
            --running;
        });
    }
    OnlineReporter reporter(online, o.count);
    while (running.load() > 0) {
        if (o.count > 1) reporter.poll(Clock::now());
        std::this_thread::sleep_for(100ms);
    }
    for (auto& w : workers) w.join();
    print_summary(phones, Clock::now() - started);
    const bool any_gave_up = std::any_of(phones.begin(), phones.end(), [](const auto& p) { return p->gave_up(); });
    return any_gave_up ? 1 : 0;
}
