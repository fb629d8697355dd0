#pragma once

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <cstdint>
#include <utility>

#include "contender.h"
#include "core/geo/sphere.h"
#include "core/index/volunteer_filter.h"

namespace yihu::bench {

// The general-purpose alternative: Boost.Geometry R*-trees over (lon, lat) treated as a plane. A query reads the
// tree for the shape's bounding box and then applies the index's exact per-point test; a move is remove + insert;
// roaming looks the new position up in a tree of the alerts' bounding boxes and tests candidates exactly.
// The plane ignores the antimeridian: fine for the benchmark's city, checked on every query box.
class RtreeContender final : public Contender {
  public:
    std::string_view name() const override { return "boost_rtree"; }
    void load(const Dataset& data, const std::vector<core::geo::Area>& alerts) override;
    void move(core::VolunteerId id, core::geo::LatLng to) override;
    void nearest_skilled(const core::geo::Circle& circle, std::size_t k, std::vector<core::Match>& out) override;
    void within(const core::geo::Circle& circle, std::vector<core::Match>& out) override;
    void within(const core::geo::Polygon& polygon, std::vector<core::Match>& out) override;
    void roam(core::VolunteerId id, core::geo::LatLng to, std::vector<core::AlertKey>& entered) override;

  private:
    using Point = boost::geometry::model::point<double, 2, boost::geometry::cs::cartesian>;  // (lon, lat)
    using Box = boost::geometry::model::box<Point>;
    using PointEntry = std::pair<Point, core::VolunteerId>;
    using BoxEntry = std::pair<Box, core::AlertKey>;
    struct Meta {
        core::SkillSet skills;
        std::int64_t updated_ms;
        core::Tier tier;
        core::Availability availability;
    };

    static Box box_of(const core::geo::LatLngBox& box);
    template <class Visit>
    void for_each_in_box(const core::geo::LatLngBox& box, Visit&& visit) const;
    template <class Emit>
    void scan_circle(const core::geo::Circle& circle, const core::VolunteerFilter& filter, Emit&& emit) const;

    boost::geometry::index::rtree<PointEntry, boost::geometry::index::rstar<16>> points_;
    boost::geometry::index::rtree<BoxEntry, boost::geometry::index::rstar<16>> alert_boxes_;
    // By volunteer id: what a query's exact test reads, and the point a move must remove from the tree.
    std::vector<core::geo::UnitVec> unit_;
    std::vector<core::geo::LatLng> latlng_;
    std::vector<Meta> meta_;
    std::vector<core::geo::Area> alerts_;
    core::VolunteerFilter alert_filter_;
};

}  // namespace yihu::bench
