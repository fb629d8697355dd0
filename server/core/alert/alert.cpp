#include "core/alert/alert.h"

namespace yihu::core {

geo::Area Alert::area() const {
    if (fixed_area) return *fixed_area;
    return geo::Circle::make(center, radius_m).value();  // centre and radius were validated when set
}

}  // namespace yihu::core
