#include "cross_check.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iomanip>
#include <limits>
#include <sstream>

#include "bench_constants.h"
#include "core/geo/sphere.h"

namespace yihu::bench {

namespace {

using core::Match;
using core::VolunteerId;
using core::geo::LatLng;

// Redis's sphere is 0.028% larger than ours and it rounds coordinates to a 52-bit geohash (~0.5 m): points this
// close to a query's edge may fall on either side.
double redis_tolerance_m(double edge_m) {
    return 1.0 + 5e-4 * edge_m;
}
constexpr double kPolygonToleranceM = 1.0;

// How one contender fared on one kind of question.
struct Tally {
    std::size_t questions = 0;
    std::size_t ids = 0;        // in yihu's answers
    std::size_t tolerated = 0;  // differing ids within the tolerance of the edge
    std::size_t wrong = 0;      // differing ids beyond it
    double worst_tolerated_m = 0;
    std::string first_wrong;
};

std::vector<VolunteerId> sorted_ids(const std::vector<Match>& matches) {
    std::vector<VolunteerId> ids;
    ids.reserve(matches.size());
    for (const Match& m : matches) ids.push_back(m.id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

// Ids in exactly one of the two sorted lists.
std::vector<VolunteerId> symmetric_difference(const std::vector<VolunteerId>& a, const std::vector<VolunteerId>& b) {
    std::vector<VolunteerId> d;
    std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(d));
    return d;
}

// Distance in metres from p to the nearest edge of the ring, in a local flat frame (edges are metres to km long).
double distance_to_ring_m(const core::geo::Polygon& polygon, LatLng p) {
    const double m_per_deg = core::geo::kEarthRadiusM * core::geo::kDegToRad;
    const double kx = m_per_deg * std::cos(p.lat * core::geo::kDegToRad);
    const auto& ring = polygon.ring();
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const double ax = (ring[i].lon - p.lon) * kx, ay = (ring[i].lat - p.lat) * m_per_deg;
        const double bx = (ring[i + 1].lon - p.lon) * kx, by = (ring[i + 1].lat - p.lat) * m_per_deg;
        const double dx = bx - ax, dy = by - ay;
        const double len2 = dx * dx + dy * dy;
        const double t = len2 > 0 ? std::clamp(-(ax * dx + ay * dy) / len2, 0.0, 1.0) : 0.0;
        best = std::min(best, std::hypot(ax + t * dx, ay + t * dy));
    }
    return best;
}

// Compares one answer. `edge_distance(id)` is how far the volunteer is from the query's edge, and `tolerance` how
// far an inexact contender may be off.
void compare(const std::vector<Match>& expected, const std::vector<Match>& got, bool exact, double tolerance,
             const std::function<double(VolunteerId)>& edge_distance, Tally& t) {
    ++t.questions;
    t.ids += expected.size();
    const std::vector<VolunteerId> expected_ids = sorted_ids(expected);
    for (VolunteerId id : symmetric_difference(expected_ids, sorted_ids(got))) {
        const double off = edge_distance(id);
        if (!exact && off <= tolerance) {
            ++t.tolerated;
            t.worst_tolerated_m = std::max(t.worst_tolerated_m, off);
            continue;
        }
        if (t.wrong++ == 0) {
            std::ostringstream s;
            s << "question " << t.questions - 1 << ": volunteer " << id << " "
              << (std::binary_search(expected_ids.begin(), expected_ids.end(), id) ? "missing" : "extra") << ", "
              << std::fixed << std::setprecision(2) << off << " m from the edge (" << expected.size() << " expected, "
              << got.size() << " returned)";
            t.first_wrong = s.str();
        }
    }
}

bool report(std::ostream& log, const Contender& c, std::string_view measure, const Tally& t) {
    log << "  " << std::left << std::setw(12) << c.name() << std::setw(12) << measure << std::right << std::setw(5)
        << t.questions << " questions, " << std::setw(9) << t.ids << " ids: ";
    if (t.wrong > 0) {
        log << "MISMATCH (" << t.wrong << " ids beyond tolerance; first: " << t.first_wrong << ")\n";
        return false;
    }
    if (t.tolerated == 0) {
        log << "identical\n";
    } else {
        log << "agree; " << t.tolerated << " ids differ, all within the boundary tolerance (worst " << std::fixed
            << std::setprecision(2) << t.worst_tolerated_m << " m from the edge)\n";
    }
    return true;
}

}  // namespace

bool cross_check(Contender& reference, const std::vector<Contender*>& others, const Dataset& data, const Workload& w,
                 const CheckCounts& counts, std::ostream& log) {
    auto position = [&](VolunteerId id) { return data.volunteers[id].position; };
    bool ok = true;
    std::vector<Match> expected, got;

    for (Contender* c : others) {
        Tally knn, circle, poly;
        for (std::size_t i = 0; i < std::min(counts.knn, w.knn_circles.size()); ++i) {
            const core::geo::Circle& q = w.knn_circles[i];
            reference.nearest_skilled(q, kKnnK, expected);
            c->nearest_skilled(q, kKnnK, got);
            // A full answer has a second edge: the k-th distance, where Redis's ranking may swap neighbours.
            const double kth = expected.size() == kKnnK ? expected.back().distance_m : q.radius_m();
            compare(
                expected, got, c->exact(), redis_tolerance_m(q.radius_m()),
                [&](VolunteerId id) {
                    const double d = core::geo::distance_m(core::geo::to_unit(position(id)), q.center_unit());
                    return std::min(std::abs(d - q.radius_m()), std::abs(d - kth));
                },
                knn);
        }
        for (std::size_t i = 0; i < std::min(counts.circle, w.big_circles.size()); ++i) {
            const core::geo::Circle& q = w.big_circles[i];
            reference.within(q, expected);
            c->within(q, got);
            compare(
                expected, got, c->exact(), redis_tolerance_m(q.radius_m()),
                [&](VolunteerId id) {
                    const double d = core::geo::distance_m(core::geo::to_unit(position(id)), q.center_unit());
                    return std::abs(d - q.radius_m());
                },
                circle);
        }
        for (std::size_t i = 0; i < std::min(counts.polygon, w.polygons.size()); ++i) {
            const core::geo::Polygon& q = w.polygons[i];
            reference.within(q, expected);
            c->within(q, got);
            compare(
                expected, got, c->exact(), kPolygonToleranceM,
                [&](VolunteerId id) { return distance_to_ring_m(q, position(id)); }, poly);
        }
        ok = report(log, *c, "knn100_1km", knn) && ok;
        ok = report(log, *c, "circle_5km", circle) && ok;
        ok = report(log, *c, "polygon", poly) && ok;
    }

    // Roaming changes positions, so it runs after every query check, on all roaming contenders in lock step.
    std::vector<Contender*> roamers;
    for (Contender* c : others)
        if (c->roams()) roamers.push_back(c);
    std::vector<Tally> roam(roamers.size());
    std::vector<core::AlertKey> entered_expected, entered_got;
    std::size_t entered_total = 0;
    for (std::size_t i = 0; i < std::min(counts.roam, w.check_moves.size()); ++i) {
        const MoveInput& m = w.check_moves[i];
        reference.roam(m.id, m.to, entered_expected);
        std::sort(entered_expected.begin(), entered_expected.end());
        entered_total += entered_expected.size();
        for (std::size_t j = 0; j < roamers.size(); ++j) {
            roamers[j]->roam(m.id, m.to, entered_got);
            std::sort(entered_got.begin(), entered_got.end());
            Tally& t = roam[j];
            ++t.questions;
            t.ids += entered_expected.size();
            if (entered_got != entered_expected && t.wrong++ == 0) {
                t.first_wrong = "move " + std::to_string(i) + " of volunteer " + std::to_string(m.id) + ": " +
                                std::to_string(entered_expected.size()) + " alerts entered expected, " +
                                std::to_string(entered_got.size()) + " returned";
            }
        }
    }
    for (std::size_t j = 0; j < roamers.size(); ++j) ok = report(log, *roamers[j], "roam_1000", roam[j]) && ok;
    log << "  (roam_1000 check: " << std::min(counts.roam, w.check_moves.size())
        << " moves, half near and half far, entering " << entered_total << " alerts in all)\n";
    return ok;
}

}  // namespace yihu::bench
