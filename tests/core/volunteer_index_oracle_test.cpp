// Randomized comparison of the volunteer index with a brute-force haversine oracle: identical result sets, and
// identical order for nearest-K. The seed is printed; replay a failure with YIHU_TEST_SEED=<seed>.

#include <gtest/gtest.h>

#include <random>

#include "core/geo/polygon.h"
#include "core/index/volunteer_index.h"
#include "support/geo_oracle.h"
#include "support/match_compare.h"
#include "support/test_seed.h"

namespace yihu::core {
namespace {

using geo::LatLng;
using testing::OracleVolunteer;
using namespace std::chrono_literals;

constexpr std::int64_t kNowMs = 1'700'000'000'000;
constexpr std::int64_t kMaxAgeMs = 10 * 60 * 1000;
// Bit 40: held by ~2% and named by some filters, so that queries meet cells with and without a bit map row for it.
constexpr SkillSet kRareSkill = SkillSet{1} << 40;

// Where a scenario puts its volunteers and its queries.
struct Region {
    const char* name;
    double lat_lo, lat_hi, lon_lo, lon_hi;  // lon_lo > lon_hi: the region crosses the antimeridian
};

constexpr Region kDongguan{"dongguan", 22.65, 23.10, 113.55, 114.25};
constexpr Region kPacific{"antimeridian", -20.0, -14.0, 178.5, -178.5};
constexpr Region kArctic{"north-pole", 88.5, 90.0, -180.0, 180.0};
constexpr Region kAntarctic{"south-pole", -90.0, -88.0, -180.0, 180.0};
// ~1,250 volunteers per 0.005 deg cell: nearest-k finds k in the first rings around the centre and stops early.
constexpr Region kHotSpot{"hot-spot", 22.80, 22.82, 113.90, 113.92};

class Scenario {
  public:
    Scenario(std::uint64_t seed, Region region, IndexOptions options) : rng_(seed), region_(region), index_(options) {}

    LatLng random_point() {
        std::uniform_real_distribution<double> lat(region_.lat_lo, region_.lat_hi);
        const double span = region_.lon_lo <= region_.lon_hi ? region_.lon_hi - region_.lon_lo
                                                             : 360.0 - (region_.lon_lo - region_.lon_hi);
        std::uniform_real_distribution<double> lon(0, span);
        return {lat(rng_), geo::normalize_lon(region_.lon_lo + lon(rng_))};
    }

    VolunteerProfile random_profile() {
        VolunteerProfile p;
        std::uniform_int_distribution<int> pct(0, 99);
        for (int bit = 0; bit < 6; ++bit) {
            if (pct(rng_) < 15) p.skills |= SkillSet{1} << bit;
        }
        // A rare high skill: most cells have no bit map row for it, a few do.
        if (pct(rng_) < 2) p.skills |= kRareSkill;
        p.tier = static_cast<Tier>(pct(rng_) % 3);
        p.availability = pct(rng_) < 85 ? Availability::kOnDuty : Availability::kOffDuty;
        if (pct(rng_) < 30) p.teams.push_back(static_cast<TeamId>(pct(rng_) % 4));
        return p;
    }

    VolunteerFilter random_filter() {
        VolunteerFilter f;
        std::uniform_int_distribution<int> pct(0, 99);
        if (pct(rng_) < 40) f.skills_any = SkillSet{1} << (pct(rng_) % 6);
        if (pct(rng_) < 10) f.skills_any |= pct(rng_) < 50 ? kRareSkill : SkillSet{1} << (pct(rng_) % 6);
        if (pct(rng_) < 15) f.skills_all = (SkillSet{1} << (pct(rng_) % 6)) | (SkillSet{1} << (pct(rng_) % 6));
        if (pct(rng_) < 3) f.skills_all |= kRareSkill;
        if (pct(rng_) < 25) f.min_tier = static_cast<Tier>(1 + pct(rng_) % 2);
        if (pct(rng_) < 10) f.on_duty_only = false;
        if (pct(rng_) < 10) f.team = static_cast<TeamId>(pct(rng_) % 4);
        return f;
    }

    // Loads n volunteers: some share a spot (ties), some are stale, some have no position at all.
    void load(std::size_t n) {
        std::uniform_int_distribution<int> pct(0, 99);
        std::uniform_int_distribution<std::int64_t> age(0, 2 * kMaxAgeMs);
        for (VolunteerId id = 0; id < n; ++id) {
            OracleVolunteer v{id, random_point(), random_profile(), kNowMs - (pct(rng_) < 10 ? age(rng_) : 0)};
            if (id > 0 && pct(rng_) < 3) v.position = volunteers_[rng_() % volunteers_.size()].position;
            index_.set_profile(id, v.profile);
            ASSERT_TRUE(index_.upsert_position(id, v.position, 5, time_from_ms(v.updated_ms)));
            volunteers_.push_back(v);
        }
    }

    // Moves, removals and profile changes, mirrored in the oracle, to exercise the index's slot bookkeeping.
    void churn(std::size_t operations) {
        std::uniform_int_distribution<int> pct(0, 99);
        for (std::size_t i = 0; i < operations; ++i) {
            OracleVolunteer& v = volunteers_[rng_() % volunteers_.size()];
            const int what = pct(rng_);
            if (what < 60) {  // a short walk (stays in or leaves the cell)
                v.position = geo::destination(v.position, pct(rng_) * 3.6, pct(rng_) * 10.0);
                v.updated_ms = kNowMs;
                ASSERT_TRUE(index_.upsert_position(v.id, v.position, 5, time_from_ms(kNowMs)));
            } else if (what < 80) {  // a jump anywhere in the region
                v.position = random_point();
                v.updated_ms = kNowMs;
                ASSERT_TRUE(index_.upsert_position(v.id, v.position, 5, time_from_ms(kNowMs)));
            } else if (what < 90) {
                v.profile = random_profile();
                index_.set_profile(v.id, v.profile);
            } else {  // goes offline: the oracle forgets the position by making it infinitely stale
                v.updated_ms = std::numeric_limits<std::int64_t>::min() / 2;
                index_.remove_position(v.id);
            }
        }
    }

    double random_radius() {
        std::uniform_int_distribution<int> pct(0, 99);
        const int p = pct(rng_);
        if (p < 3) return 0;
        if (p < 6) return 500'000;
        std::uniform_real_distribution<double> log_r(0, std::log(200'000.0));  // 1 m .. 200 km, log-uniform
        return std::exp(log_r(rng_));
    }

    // A random star-shaped ring of 3-24 vertices around a point, radius up to ~30 km.
    std::vector<LatLng> random_ring(LatLng around) {
        std::uniform_int_distribution<int> vertices(3, 24);
        std::uniform_real_distribution<double> radius(50, 30'000);
        const int n = vertices(rng_);
        std::vector<double> bearings;
        for (int i = 0; i < n; ++i) bearings.push_back(std::uniform_real_distribution<double>(0, 360)(rng_));
        std::sort(bearings.begin(), bearings.end());
        std::vector<LatLng> ring;
        for (double b : bearings) ring.push_back(geo::destination(around, b, radius(rng_)));
        ring.push_back(ring.front());
        return ring;
    }

    bool check_circles(std::size_t queries) {
        std::vector<Match> out;
        std::uniform_int_distribution<int> pct(0, 99);
        const Time now = time_from_ms(kNowMs);
        for (std::size_t q = 0; q < queries; ++q) {
            // Half the centres sit on a volunteer, so small radii still find someone.
            const LatLng center = pct(rng_) < 50 ? volunteers_[rng_() % volunteers_.size()].position : random_point();
            const double radius = random_radius();
            const VolunteerFilter filter = random_filter();
            const std::optional<std::size_t> k =
                pct(rng_) < 50 ? std::optional<std::size_t>(1 + rng_() % 120) : std::nullopt;
            const auto circle = geo::Circle::make(center, radius).value();
            // A third are ranked from a point off the circle's centre (an alert's centre inside a drawn area).
            const std::optional<LatLng> rank_from =
                pct(rng_) < 33 ? std::optional<LatLng>(random_rank_point(center, radius)) : std::nullopt;
            if (rank_from) {
                index_.query(geo::Area(circle), *rank_from, filter, k, now, out);
                ++ranked_elsewhere_;
            } else if (k) {
                index_.nearest(circle, filter, *k, now, out);
            } else {
                index_.within(circle, filter, now, out);
            }
            const auto expected =
                testing::oracle_circle(volunteers_, center, radius, filter, k, kNowMs, kMaxAgeMs, rank_from);
            const std::string label = std::string(region_.name) + " circle #" + std::to_string(q) + " at (" +
                                      std::to_string(center.lat) + ", " + std::to_string(center.lon) +
                                      ") r=" + std::to_string(radius) + (k ? " k=" + std::to_string(*k) : "") +
                                      (rank_from ? " ranked from elsewhere" : "");
            if (!testing::matches_equal(out, expected, k.has_value(), label)) return false;
            matched_ += expected.size();
            nonempty_ += !expected.empty();
        }
        return true;
    }

    bool check_polygons(std::size_t queries) {
        std::vector<Match> out;
        std::uniform_int_distribution<int> pct(0, 99);
        const Time now = time_from_ms(kNowMs);
        for (std::size_t q = 0; q < queries; ++q) {
            const LatLng around = volunteers_[rng_() % volunteers_.size()].position;
            const std::vector<LatLng> ring = random_ring(around);
            auto polygon = geo::Polygon::make(ring);
            if (!polygon) continue;  // a random ring around a pole may wind around it: rejected, tested elsewhere
            const VolunteerFilter filter = random_filter();
            const std::optional<std::size_t> k =
                pct(rng_) < 50 ? std::optional<std::size_t>(1 + rng_() % 120) : std::nullopt;
            // Half through query(), ranked from a point that is neither the ring's middle nor its box's centre.
            const bool via_query = pct(rng_) < 50;
            const LatLng rank_from = via_query ? random_rank_point(around, 20'000) : around;
            if (via_query) {
                index_.query(geo::Area(*polygon), rank_from, filter, k, now, out);
            } else if (k) {
                index_.nearest(*polygon, around, filter, *k, now, out);
            } else {
                index_.within(*polygon, around, filter, now, out);
            }
            const auto expected = testing::oracle_polygon(volunteers_, ring, rank_from, filter, k, kNowMs, kMaxAgeMs);
            const std::string label = std::string(region_.name) + " polygon #" + std::to_string(q) + " of " +
                                      std::to_string(ring.size() - 1) + " vertices";
            if (!testing::matches_equal(out, expected, k.has_value(), label)) return false;
            matched_ += expected.size();
            nonempty_ += !expected.empty();
            ++polygons_compared_;
        }
        return true;
    }

    // How much the queries found, so the test can insist it compared something.
    std::size_t matched() const { return matched_; }
    std::size_t nonempty() const { return nonempty_; }
    std::size_t ranked_elsewhere() const { return ranked_elsewhere_; }
    // Polygon queries compared (random rings that wind around a pole are rejected and skipped).
    std::size_t polygons_compared() const { return polygons_compared_; }

  private:
    // A point up to 1.5 radii from `center` (inside the circle or not), where an alert's centre may sit.
    LatLng random_rank_point(LatLng center, double radius_m) {
        std::uniform_real_distribution<double> bearing(0, 360), reach(0, 1.5 * std::max(radius_m, 1.0));
        return geo::destination(center, bearing(rng_), reach(rng_));
    }

    std::size_t ranked_elsewhere_ = 0;
    std::size_t polygons_compared_ = 0;
    std::size_t matched_ = 0;
    std::size_t nonempty_ = 0;
    std::mt19937_64 rng_;
    Region region_;
    VolunteerIndex index_;
    std::vector<OracleVolunteer> volunteers_;
};

struct OracleParams {
    Region region;
    double cell_deg;

    friend void PrintTo(const OracleParams& p, std::ostream* os) { *os << p.region.name << " cell " << p.cell_deg; }
};

class VolunteerIndexOracle : public ::testing::TestWithParam<OracleParams> {};

TEST_P(VolunteerIndexOracle, MatchesBruteForceOnRandomData) {
    const OracleParams& p = GetParam();
    const std::uint64_t seed = testing::test_seed(std::string("VolunteerIndexOracle/") + p.region.name);
    Scenario s(seed, p.region, IndexOptions{.cell_deg = p.cell_deg, .max_age = std::chrono::milliseconds(kMaxAgeMs)});
    ASSERT_NO_FATAL_FAILURE(s.load(20'000));
    ASSERT_TRUE(s.check_circles(400));
    ASSERT_TRUE(s.check_polygons(100));
    ASSERT_NO_FATAL_FAILURE(s.churn(20'000));
    ASSERT_TRUE(s.check_circles(400));
    ASSERT_TRUE(s.check_polygons(100));
    // Most queries must find someone, or agreement with the oracle would prove little.
    EXPECT_GT(s.nonempty(), 400u) << "of 1000 queries";
    EXPECT_GT(s.matched(), 20'000u);
    EXPECT_GT(s.polygons_compared(), 150u) << "of 200 polygon queries";
    EXPECT_GT(s.ranked_elsewhere(), 150u) << "of 800 circle queries, ranked from a point off the circle's centre";
    std::cout << "[ compared ] " << s.nonempty() << " non-empty answers, " << s.matched() << " matches\n";
}

INSTANTIATE_TEST_SUITE_P(Regions, VolunteerIndexOracle,
                         ::testing::Values(OracleParams{kDongguan, 0.005}, OracleParams{kDongguan, 0.05},
                                           OracleParams{kPacific, 0.005}, OracleParams{kArctic, 0.005},
                                           OracleParams{kAntarctic, 0.02}, OracleParams{kHotSpot, 0.005},
                                           OracleParams{kHotSpot, 0.001}),
                         [](const auto& info) {
                             std::string name = info.param.region.name;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name + "_cell" + std::to_string(static_cast<int>(info.param.cell_deg * 1000));
                         });

}  // namespace
}  // namespace yihu::core
