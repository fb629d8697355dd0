// Property test of the alert lifecycle: random interleavings of position updates, availability changes, quiet hours,
// alerts of every kind (suspect alerts for the vetted among them) raised and closed, responses and the passing of
// time, sometimes long enough for positions to go stale. After every step the effects are checked against the
// rules volunteers and dispatchers rely on. Seed printed; replay with YIHU_TEST_SEED=<seed>.

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <random>
#include <set>

#include "core/alert/alert_engine.h"
#include "support/test_seed.h"

namespace yihu::core {
namespace {

using geo::LatLng;
using namespace std::chrono_literals;

constexpr VolunteerId kVolunteers = 300;
const LatLng kCenter{22.97, 113.90};

struct Model {
    std::map<VolunteerId, LatLng> position;
    std::map<VolunteerId, Availability> availability;
    std::map<VolunteerId, QuietHours> quiet;
    std::map<VolunteerId, SkillSet> skills;
    std::map<VolunteerId, Tier> tier;
    std::map<VolunteerId, Time> moved_at;
};

constexpr Duration kMaxAge = std::chrono::minutes(10);  // IndexOptions' default

class LifecycleProperty {
  public:
    explicit LifecycleProperty(std::uint64_t seed) : rng_(seed) {}

    bool run(int steps) {
        for (VolunteerId v = 0; v < kVolunteers; ++v) {
            model_.skills[v] = rng_() % 3 == 0 ? kSkillSwimmer : 0;
            model_.availability[v] = rng_() % 5 == 0 ? Availability::kOffDuty : Availability::kOnDuty;
            model_.tier[v] = rng_() % 3 == 0 ? Tier::kVetted : Tier::kRegistered;
            engine_.set_profile(
                v, {.skills = model_.skills[v], .tier = model_.tier[v], .availability = model_.availability[v]}, now_,
                fx_);
            move(v);
        }
        if (!check("setup")) return false;
        for (int step = 0; step < steps; ++step) {
            fx_.clear();
            const int what = static_cast<int>(rng_() % 100);
            std::string label;
            if (what < 45) {
                const VolunteerId v = rng_() % kVolunteers;
                move(v);
                label = "move " + std::to_string(v);
            } else if (what < 52) {
                const VolunteerId v = rng_() % kVolunteers;
                model_.availability[v] =
                    model_.availability[v] == Availability::kOnDuty ? Availability::kOffDuty : Availability::kOnDuty;
                engine_.set_availability(v, model_.availability[v], now_, fx_);
                label = "availability " + std::to_string(v);
            } else if (what < 55) {
                const VolunteerId v = rng_() % kVolunteers;
                if (rng_() % 2) {
                    model_.quiet[v] = QuietHours{.start_minute = static_cast<int>(rng_() % 1440),
                                                 .end_minute = static_cast<int>(rng_() % 1440)};
                    engine_.set_quiet_hours(v, model_.quiet[v]);
                } else {
                    model_.quiet.erase(v);
                    engine_.set_quiet_hours(v, std::nullopt);
                }
                label = "quiet " + std::to_string(v);
            } else if (what < 62) {
                raise();
                label = "raise";
            } else if (what < 82) {
                respond();
                label = "respond";
            } else if (what < 86) {
                close_one();
                label = "close";
            } else {
                // Now and then long enough for every position to go stale (a quiet night).
                const bool long_wait = rng_() % 25 == 0;
                now_ += long_wait ? std::chrono::minutes(11 + rng_() % 20) : std::chrono::seconds(1 + rng_() % 120);
                long_waits_ += long_wait;
                engine_.tick(now_, fx_);
                label = "tick";
            }
            if (!check(label + " at step " + std::to_string(step))) return false;
        }
        return true;
    }

    std::size_t deliveries() const { return delivered_.size(); }
    std::size_t closes() const { return closed_notices_.size(); }
    std::size_t suspect_alerts() const { return suspect_alerts_; }
    std::size_t suspect_deliveries() const { return suspect_deliveries_; }
    // Volunteers inside a new alert's circle whose position had gone stale: cases where freshness decided.
    std::size_t stale_in_reach() const { return stale_in_reach_; }
    std::size_t long_waits() const { return long_waits_; }

  private:
    void move(VolunteerId v) {
        const LatLng p =
            geo::destination(kCenter, static_cast<double>(rng_() % 360), static_cast<double>(rng_() % 6'000));
        model_.position[v] = p;
        model_.moved_at[v] = now_;
        ASSERT_TRUE(engine_.update_position(v, p, 10, now_, fx_));
    }

    void raise() {
        static constexpr AlertKind kinds[] = {AlertKind::kDrowning,     AlertKind::kGeneral,  AlertKind::kMissingPerson,
                                              AlertKind::kMissingChild, AlertKind::kDisaster, AlertKind::kSuspect};
        AlertSpec spec{
            .kind = kinds[rng_() % 6],
            .center = geo::destination(kCenter, static_cast<double>(rng_() % 360), static_cast<double>(rng_() % 3'000)),
            .responders_wanted = 1 + rng_() % 4};
        if (spec.kind == AlertKind::kGeneral && rng_() % 2) {
            AlertPolicy p = default_policy(AlertKind::kGeneral);
            p.max_recipients = 1 + rng_() % 10;  // a capped broadcast
            spec.policy = p;
        }
        auto n = engine_.create(spec, now_, fx_);
        ASSERT_TRUE(n);
        suspect_alerts_ += spec.kind == AlertKind::kSuspect;
        const Alert& a = *engine_.find(*n);
        for (const auto& [v, p] : model_.position) {
            stale_in_reach_ += a.area().contains(p) && now_ - model_.moved_at[v] > kMaxAge;
        }
    }

    void respond() {
        if (engine_.active().empty()) return;
        auto it = engine_.active().begin();
        std::advance(it, rng_() % engine_.active().size());
        const Alert& a = *engine_.find(*it);
        if (a.recipients.empty()) return;
        auto r = a.recipients.begin();
        std::advance(r, rng_() % a.recipients.size());
        static constexpr ResponseKind kinds[] = {ResponseKind::kAccept,  ResponseKind::kAccept,
                                                 ResponseKind::kDecline, ResponseKind::kOnScene,
                                                 ResponseKind::kDone,    ResponseKind::kWithdraw};
        const Status s = engine_.respond(a.number, r->first, kinds[rng_() % 6], now_, fx_);
        if (!s) {
            EXPECT_EQ(s.error().code, ErrorCode::kNotAccepted);
        }
    }

    void close_one() {
        if (engine_.active().empty()) return;
        auto it = engine_.active().begin();
        std::advance(it, rng_() % engine_.active().size());
        ASSERT_TRUE(
            engine_.close(*it, rng_() % 2 ? AlertState::kResolvedFound : AlertState::kCancelled, "", now_, fx_));
    }

    // The rules, checked against this step's effects and everything seen before.
    bool check(const std::string& label) {
        for (const Notice& n : fx_.notices) {
            const Alert& a = *engine_.find(n.alert);
            const auto key = std::pair{n.alert, n.volunteer};
            if (closed_notices_.count(key)) {
                ADD_FAILURE() << label << ": volunteer " << n.volunteer << " told something after the close notice";
                return false;
            }
            switch (n.kind) {
                case Notice::Kind::kAlert: {
                    if (!delivered_.insert(key).second) {
                        ADD_FAILURE() << label << ": volunteer " << n.volunteer << " alerted twice for " << n.alert;
                        return false;
                    }
                    if (model_.availability[n.volunteer] != Availability::kOnDuty) {
                        ADD_FAILURE() << label << ": off-duty volunteer " << n.volunteer << " alerted";
                        return false;
                    }
                    auto q = model_.quiet.find(n.volunteer);
                    if (!a.policy.urgent && q != model_.quiet.end() && q->second.contains(now_)) {
                        ADD_FAILURE() << label << ": volunteer " << n.volunteer << " alerted in quiet hours";
                        return false;
                    }
                    if (model_.tier[n.volunteer] < a.filter.min_tier) {
                        ADD_FAILURE() << label << ": volunteer " << n.volunteer << " below the alert's tier";
                        return false;
                    }
                    if (now_ - model_.moved_at[n.volunteer] > kMaxAge) {
                        ADD_FAILURE() << label << ": volunteer " << n.volunteer << " alerted on a stale position";
                        return false;
                    }
                    suspect_deliveries_ += a.kind == AlertKind::kSuspect;
                    if ((a.filter.skills_any & model_.skills[n.volunteer]) == 0 && a.filter.skills_any != 0) {
                        ADD_FAILURE() << label << ": volunteer " << n.volunteer << " lacks the skill";
                        return false;
                    }
                    if (!a.area().contains(model_.position[n.volunteer])) {
                        ADD_FAILURE() << label << ": volunteer " << n.volunteer << " alerted outside the area";
                        return false;
                    }
                    break;
                }
                case Notice::Kind::kClosed:
                    if (!delivered_.count(key)) {
                        ADD_FAILURE() << label << ": close notice to a non-recipient";
                        return false;
                    }
                    closed_notices_.insert(key);
                    break;
                case Notice::Kind::kUpdate:
                case Notice::Kind::kStandDown:
                    if (!delivered_.count(key)) {
                        ADD_FAILURE() << label << ": update or stand-down to a non-recipient";
                        return false;
                    }
                    if (n.kind == Notice::Kind::kStandDown && a.recipients.at(n.volunteer).accepted) {
                        ADD_FAILURE() << label << ": accepted responder " << n.volunteer << " told to stand down";
                        return false;
                    }
                    break;
            }
        }
        for (const auto& [number, a] : engine_.alerts()) {
            if (a.cap != 0 && a.recipients.size() > a.cap) {
                ADD_FAILURE() << label << ": alert " << number << " has " << a.recipients.size() << " recipients, cap "
                              << a.cap;
                return false;
            }
            if (a.policy.max_recipients != 0 && a.recipients.size() > a.policy.max_recipients) {
                ADD_FAILURE() << label << ": alert " << number << " exceeds max_recipients";
                return false;
            }
            if (is_closed(a.state)) {
                for (const auto& [v, r] : a.recipients) {
                    if (!closed_notices_.count({number, v})) {
                        ADD_FAILURE() << label << ": recipient " << v << " of closed alert " << number
                                      << " never got the close notice";
                        return false;
                    }
                }
            }
        }
        return true;
    }

    std::mt19937_64 rng_;
    AlertEngine engine_;
    Effects fx_;
    Model model_;
    Time now_ = time_from_ms(1'795'312'800'000);
    std::set<std::pair<AlertNumber, VolunteerId>> delivered_;
    std::set<std::pair<AlertNumber, VolunteerId>> closed_notices_;
    std::size_t suspect_alerts_ = 0;
    std::size_t suspect_deliveries_ = 0;
    std::size_t stale_in_reach_ = 0;
    std::size_t long_waits_ = 0;
};

TEST(AlertEngineProperty, InvariantsHoldOverRandomInterleavings) {
    for (int round = 0; round < 4; ++round) {
        const std::uint64_t seed = testing::test_seed("AlertEngineProperty/" + std::to_string(round));
        LifecycleProperty property(seed);
        ASSERT_TRUE(property.run(4'000)) << "seed " << seed;
        EXPECT_GT(property.deliveries(), 200u) << "the interleaving must actually alert people";
        EXPECT_GT(property.closes(), 20u) << "and close alerts they got";
        EXPECT_GT(property.suspect_alerts(), 10u) << "suspect alerts raised";
        EXPECT_GT(property.suspect_deliveries(), 0u) << "suspect alerts reaching the vetted";
        EXPECT_GT(property.long_waits(), 0u) << "waits long enough for positions to go stale";
        EXPECT_GT(property.stale_in_reach(), 100u) << "stale volunteers inside new alerts' reach";
        std::cout << "[ cases    ] " << property.deliveries() << " deliveries, " << property.suspect_alerts()
                  << " suspect alerts (" << property.suspect_deliveries() << " deliveries), "
                  << property.stale_in_reach() << " stale in reach\n";
    }
}

}  // namespace
}  // namespace yihu::core
