#pragma once

#include "core/geo/lat_lng.h"
#include "core/geo/lat_lng_box.h"
#include "core/geo/sphere.h"

namespace yihu::core::geo {

// Radii above this are rejected as absurd: 2,500 km already covers all of China from its middle, and a city's widest
// missing-child ring (团圆 stops growing at 500 km) is far below it.
inline constexpr double kMaxRadiusM = 2'500'000.0;

// A spherical cap: every point whose great-circle distance to `center` is at most `radius_m` (boundary included).
// Built only through make(), so a Circle in hand is always valid.
class Circle {
  public:
    // kNotFinite, kLatitudeOutOfRange, kLongitudeOutOfRange, kNegativeRadius or kRadiusTooLarge on bad input.
    static Result<Circle> make(LatLng center, double radius_m);

    LatLng center() const { return center_; }
    const UnitVec& center_unit() const { return center_unit_; }
    double radius_m() const { return radius_m_; }
    // The squared chord of the radius: p is inside iff chord2(p, center) <= chord2_limit().
    double chord2_limit() const { return chord2_limit_; }
    bool contains(const UnitVec& p) const { return chord2(p, center_unit_) <= chord2_limit_; }

    // A box containing the cap. A cap that reaches a pole spans every longitude.
    LatLngBox bounds() const;

  private:
    Circle(LatLng center, double radius_m);

    LatLng center_;
    UnitVec center_unit_;
    double radius_m_;
    double chord2_limit_;
};

}  // namespace yihu::core::geo
