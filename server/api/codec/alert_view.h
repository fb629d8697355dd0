#pragma once

#include "api/alert_extras.h"
#include "api/name_table.h"
#include "api/skill_catalog.h"
#include "core/alert/alert.h"
#include "yihu/v1/alert.pb.h"

namespace yihu::api {

// The names the core's numbers stand for in this process.
struct Names {
    const SkillCatalog& skills;
    const NameTable& teams;
    const NameTable& volunteers;
};

// How an alert looks on the wire. `for_volunteer` redacts what volunteers must not see (who created it, the policy,
// the teams it targets). `outline_vertices` > 0: an area with more polygon vertices than that is sent as
// geo::simplified(area, outline_vertices) with area_simplified set (pushes and the live feed, whose frames are
// bounded); 0: the whole area (HTTP answers). area_bounds is always the exact area's box.
void to_proto(const core::Alert& alert, const AlertExtras& extras, const Names& names, bool for_volunteer,
              v1::Alert* out, std::size_t outline_vertices = 0);
void to_proto(const core::AlertPolicy& policy, const SkillCatalog& skills, v1::AlertPolicy* out);

}  // namespace yihu::api
