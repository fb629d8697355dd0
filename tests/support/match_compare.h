#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/index/volunteer_index.h"

namespace yihu::testing {

// Two points whose distances differ by less than this are a tie the two methods (chord and haversine) may break
// differently; random data never comes this close, constructed symmetric cases (rings around a pole) do.
inline constexpr double kTieToleranceM = 1e-6;

// Asserts the index's answer equals the oracle's: the same volunteers, distances within 1e-6 m, and (when `ordered`)
// the same order except inside a tie. Returns true when equal so randomized loops can stop at the first failure.
inline bool matches_equal(const std::vector<core::Match>& actual, const std::vector<core::Match>& oracle, bool ordered,
                          const std::string& label) {
    if (actual.size() != oracle.size()) {
        ADD_FAILURE() << label << ": " << actual.size() << " matches, oracle has " << oracle.size();
        return false;
    }
    auto by_id = [](std::vector<core::Match> v) {
        std::sort(v.begin(), v.end(), [](const core::Match& a, const core::Match& b) { return a.id < b.id; });
        return v;
    };
    const auto a = by_id(actual);
    const auto o = by_id(oracle);
    // With a k cut, a tie at the cut may admit a different member; allow it only inside the tie.
    const double cut = oracle.empty() ? 0 : oracle.back().distance_m;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].id != o[i].id) {
            std::set<core::VolunteerId> ia, io;
            for (const auto& m : a) ia.insert(m.id);
            for (const auto& m : o) io.insert(m.id);
            for (const auto& m : actual) {
                if (!io.count(m.id) && std::abs(m.distance_m - cut) > kTieToleranceM) {
                    ADD_FAILURE() << label << ": volunteer " << m.id << " at " << m.distance_m
                                  << " m returned but not by the oracle";
                    return false;
                }
            }
            for (const auto& m : oracle) {
                if (!ia.count(m.id) && std::abs(m.distance_m - cut) > kTieToleranceM) {
                    ADD_FAILURE() << label << ": volunteer " << m.id << " at " << m.distance_m
                                  << " m expected by the oracle but missing";
                    return false;
                }
            }
            break;
        }
        if (std::abs(a[i].distance_m - o[i].distance_m) > 1e-6 * std::max(1.0, o[i].distance_m)) {
            ADD_FAILURE() << label << ": volunteer " << a[i].id << " distance " << a[i].distance_m << " vs oracle "
                          << o[i].distance_m;
            return false;
        }
    }
    if (!ordered) return true;
    for (std::size_t i = 0; i < actual.size(); ++i) {
        if (actual[i].id == oracle[i].id) continue;
        if (std::abs(actual[i].distance_m - oracle[i].distance_m) > kTieToleranceM) {
            ADD_FAILURE() << label << ": position " << i << " holds volunteer " << actual[i].id << " at "
                          << actual[i].distance_m << " m, oracle has " << oracle[i].id << " at " << oracle[i].distance_m
                          << " m";
            return false;
        }
    }
    return true;
}

}  // namespace yihu::testing
