#pragma once

#include <string>

#include "contender.h"
#include "measure.h"
#include "redis_connection.h"

namespace yihu::bench {

// Redis GEO, used the way a Redis user would: `vol` holds everyone, `vol:skill0` only the volunteers holding the
// skill under test (a sorted set cannot filter by skill). knn and circles are GEOSEARCH ... BYRADIUS; a polygon is
// GEOSEARCH ... BYBOX over its bounding box, then Polygon::contains on the client. Redis has no area-containment
// query, so roam_1000 does not apply.
class RedisContender final : public Contender {
  public:
    explicit RedisContender(RedisConnection& connection) : connection_(connection) {}

    std::string_view name() const override { return "redis"; }
    // FLUSHALL, then pipelined GEOADDs of 1,000 members each.
    void load(const Dataset& data, const std::vector<core::geo::Area>& alerts) override;
    // GEOADD vol (only: `vol:skill0` is not kept up to date, so run queries before moves).
    void move(core::VolunteerId id, core::geo::LatLng to) override;
    void nearest_skilled(const core::geo::Circle& circle, std::size_t k, std::vector<core::Match>& out) override;
    void within(const core::geo::Circle& circle, std::vector<core::Match>& out) override;
    void within(const core::geo::Polygon& polygon, std::vector<core::Match>& out) override;
    void roam(core::VolunteerId id, core::geo::LatLng to, std::vector<core::AlertKey>& entered) override;
    bool roams() const override { return false; }
    bool exact() const override { return false; }

    // The command a measure's calls run, as INFO commandstats names it.
    static std::string command_of(Measure m) { return is_update(m) ? "geoadd" : "geosearch"; }

  private:
    void load_key(const char* key, const Dataset& data, bool skilled_only);

    RedisConnection& connection_;
};

}  // namespace yihu::bench
