// yihu-demo: the matching core and alert lifecycle on a simulated afternoon at a lake, printed as it happens.
// 200 volunteers walk around Songshan Lake (Dongguan); a rescue hut's door opens; the nearest water-rescue
// volunteers are called, some accept, the ring widens, the rest stand down, the person is rescued.
// Time is simulated (the core takes its clock as a parameter), so the demo runs in a blink and is the same every run.

#include <cstdio>
#include <random>
#include <string>

#include "core/alert/alert_engine.h"

namespace {

using namespace yihu::core;
using namespace std::chrono_literals;

const geo::LatLng kLake{22.925, 113.895};
const Time kStart = time_from_ms(1'795'330'800'000);  // 2026-11-23 15:00 China time

std::string clock_of(Time t) {
    const long s = static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(t - kStart).count());
    char buf[64];
    std::snprintf(buf, sizeof buf, "15:%02ld:%02ld", s / 60, s % 60);
    return buf;
}

void print(const AlertEngine& engine, const Effects& fx, Time now) {
    for (const Notice& n : fx.notices) {
        const char* what = n.kind == Notice::Kind::kAlert       ? "ALERT     "
                           : n.kind == Notice::Kind::kUpdate    ? "update    "
                           : n.kind == Notice::Kind::kStandDown ? "stand down"
                                                                : "closed    ";
        std::printf("  %s  -> volunteer %3u  %s", clock_of(now).c_str(), n.volunteer, what);
        if (n.kind == Notice::Kind::kAlert) std::printf("  %5.0f m away", n.distance_m);
        if (!n.role.empty()) std::printf("  role: %s", n.role.c_str());
        std::printf("\n");
    }
    for (const FeedEvent& e : fx.feed) {
        if (e.kind == FeedEvent::Kind::kEscalation) {
            std::printf("  %s  [dispatcher] ring widened to %.0f m, %zu more called\n", clock_of(now).c_str(),
                        e.radius_m, e.count);
        } else if (e.kind == FeedEvent::Kind::kResponse) {
            std::printf("  %s  [dispatcher] volunteer %u: %s\n", clock_of(now).c_str(), *e.volunteer,
                        std::string(to_string(*e.response)).c_str());
        } else if (e.kind == FeedEvent::Kind::kStateChange) {
            std::printf("  %s  [dispatcher] alert %s\n", clock_of(now).c_str(),
                        std::string(to_string(*e.state)).c_str());
        }
    }
    (void)engine;
}

}  // namespace

int main() {
    AlertEngine engine(EngineOptions{.id_prefix = "dongguan"});
    Effects fx;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> bearing(0, 360), near(0, 4'000), step(0, 40);

    std::printf("yihu demo: 200 volunteers around Songshan Lake; 1 in 8 trained in water rescue\n\n");
    for (VolunteerId v = 1; v <= 200; ++v) {
        engine.set_profile(v, {.skills = v % 8 == 0 ? kSkillWaterRescue : SkillSet{0}}, kStart, fx);
        (void)engine.update_position(v, geo::destination(kLake, bearing(rng), near(rng)), 10, kStart, fx);
    }
    (void)engine.register_device({.id = "hut-3", .name = "Songshan Lake rescue hut 3", .position = kLake});
    fx.clear();

    Time now = kStart + 30s;
    std::printf("%s  the door of rescue hut 3 opens\n", clock_of(now).c_str());
    const AlertNumber alert = *engine.trigger_device("hut-3", now, fx);
    print(engine, fx, now);

    // Everyone keeps walking; two of the called accept within the minute, one declines.
    const auto& recipients = engine.find(alert)->recipients;
    std::vector<VolunteerId> called;
    for (const auto& [v, r] : recipients) called.push_back(v);
    for (int second = 31; second <= 150; ++second) {
        now = kStart + std::chrono::seconds(second);
        fx.clear();
        if (second % 5 == 0) {
            for (VolunteerId v = 1; v <= 200; ++v) {
                const auto fix = engine.matcher().volunteers().position(v);
                (void)engine.update_position(v, geo::destination(fix->position, bearing(rng), step(rng)), 10, now, fx);
            }
        }
        if (second == 45) (void)engine.respond(alert, called[1], ResponseKind::kAccept, now, fx);
        if (second == 52) (void)engine.respond(alert, called[4], ResponseKind::kDecline, now, fx);
        if (second == 58) (void)engine.respond(alert, called[0], ResponseKind::kAccept, now, fx);
        if (second == 105) {
            const auto& r = engine.find(alert)->recipients;
            for (const auto& [v, rec] : r) {
                if (!rec.accepted && !rec.last_response) {
                    (void)engine.respond(alert, v, ResponseKind::kAccept, now, fx);
                    break;
                }
            }
        }
        engine.tick(now, fx);
        print(engine, fx, now);
    }
    now = kStart + 6min;
    fx.clear();
    for (const auto& [v, r] : engine.find(alert)->recipients) {
        if (r.role == "rescue") (void)engine.respond(alert, v, ResponseKind::kOnScene, now, fx);
    }
    print(engine, fx, now);
    fx.clear();
    now += 4min;
    (void)engine.close(alert, AlertState::kResolvedFound, "rescued, breathing", now, fx);
    print(engine, fx, now);

    const Alert& a = *engine.find(alert);
    std::printf("\n%s: %zu called, %zu accepted, state %s; audit trail of %zu entries:\n", a.id.c_str(),
                a.recipients.size(), a.accepted, std::string(to_string(a.state)).c_str(), a.audit.size());
    for (const AuditEntry& e : a.audit) {
        if (e.kind == AuditKind::kMatched) continue;  // one line per call is in the timeline above
        std::printf("  %s  %-14s %s%s\n", clock_of(e.at).c_str(), std::string(to_string(e.kind)).c_str(),
                    e.volunteer ? ("volunteer " + std::to_string(*e.volunteer) + ": ").c_str() : "", e.reason.c_str());
    }
    return 0;
}
