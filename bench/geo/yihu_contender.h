#pragma once

#include "contender.h"
#include "core/index/matcher.h"

namespace yihu::bench {

// The index under test: VolunteerIndex for updates and queries, Matcher (with its AlertAreaIndex) for roaming.
class YihuContender final : public Contender {
  public:
    explicit YihuContender(core::IndexOptions options) : matcher_(options) {}

    std::string_view name() const override { return "yihu"; }
    void load(const Dataset& data, const std::vector<core::geo::Area>& alerts) override;
    void move(core::VolunteerId id, core::geo::LatLng to) override;
    void nearest_skilled(const core::geo::Circle& circle, std::size_t k, std::vector<core::Match>& out) override;
    void within(const core::geo::Circle& circle, std::vector<core::Match>& out) override;
    void within(const core::geo::Polygon& polygon, std::vector<core::Match>& out) override;
    void roam(core::VolunteerId id, core::geo::LatLng to, std::vector<core::AlertKey>& entered) override;

  private:
    core::Matcher matcher_;
};

}  // namespace yihu::bench
