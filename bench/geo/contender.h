#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/geo/area.h"
#include "core/index/alert_area_index.h"
#include "core/index/volunteer_index.h"
#include "dataset.h"

namespace yihu::bench {

// One way of answering the benchmark's questions. Every contender loads the same dataset and alerts and answers
// with core::Match lists (distances in metres) so that answers can be compared id for id with yihu's.
//
// Concrete contenders are `final`: the timing loops are templates over the concrete type, so these calls are
// direct there and no contender pays for a virtual call in its figures.
class Contender {
  public:
    virtual ~Contender() = default;

    virtual std::string_view name() const = 0;
    // Loads every volunteer (on duty, fresh at kBenchTime) and the active alerts; alert key i is alerts[i].
    virtual void load(const Dataset& data, const std::vector<core::geo::Area>& alerts) = 0;

    // update_near / update_far: the volunteer is now at `to`.
    virtual void move(core::VolunteerId id, core::geo::LatLng to) = 0;
    // knn100_1km: the k nearest inside the circle holding the skill under test, nearest first.
    virtual void nearest_skilled(const core::geo::Circle& circle, std::size_t k, std::vector<core::Match>& out) = 0;
    // circle_5km: everyone inside the circle, any order.
    virtual void within(const core::geo::Circle& circle, std::vector<core::Match>& out) = 0;
    // polygon: everyone inside the polygon, any order.
    virtual void within(const core::geo::Polygon& polygon, std::vector<core::Match>& out) = 0;
    // roam_1000: moves the volunteer and fills `entered` with the alerts whose area contains the new position and
    // did not contain the previous one. Only when roams().
    virtual void roam(core::VolunteerId id, core::geo::LatLng to, std::vector<core::AlertKey>& entered) = 0;

    virtual bool roams() const { return true; }
    // Whether answers must equal yihu's exactly. An inexact contender (Redis: another Earth radius, coordinates
    // rounded to a 52-bit geohash) may differ only for points within a metre or so of a query's boundary.
    virtual bool exact() const { return true; }
};

}  // namespace yihu::bench
