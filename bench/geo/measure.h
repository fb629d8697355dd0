#pragma once

#include <array>
#include <string_view>

namespace yihu::bench {

// The operations every contender is timed on. The names are the "measure" field of the results.
enum class Measure {
    kKnn100_1km,  // nearest 100 within 1 km holding the skill under test
    kCircle5km,   // everyone within 5 km, no filter
    kPolygon,     // everyone inside an irregular 12-vertex polygon of about 2 x 3 km
    kUpdateNear,  // a move of up to 50 m: nearly always within the same grid cell
    kUpdateFar,   // a move of 2-20 km: always to another cell
    kRoam1000,    // a near move checked against 1,000 active alert areas ("did they just walk into one")
};

inline constexpr std::array kAllMeasures{Measure::kKnn100_1km, Measure::kCircle5km, Measure::kPolygon,
                                         Measure::kUpdateNear, Measure::kUpdateFar, Measure::kRoam1000};

inline std::string_view measure_name(Measure m) {
    switch (m) {
        case Measure::kKnn100_1km:
            return "knn100_1km";
        case Measure::kCircle5km:
            return "circle_5km";
        case Measure::kPolygon:
            return "polygon";
        case Measure::kUpdateNear:
            return "update_near";
        case Measure::kUpdateFar:
            return "update_far";
        case Measure::kRoam1000:
            return "roam_1000";
    }
    return "?";
}

// Whether a measure changes the data (and so uses each pre-generated input once).
inline bool is_update(Measure m) {
    return m == Measure::kUpdateNear || m == Measure::kUpdateFar || m == Measure::kRoam1000;
}

}  // namespace yihu::bench
