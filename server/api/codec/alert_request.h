#pragma once

#include <optional>

#include "api/alert_extras.h"
#include "api/name_table.h"
#include "api/skill_catalog.h"
#include "core/alert/alert.h"
#include "core/result.h"
#include "yihu/v1/dispatcher.pb.h"

namespace yihu::api {

// Limits on free text from dispatchers and volunteers (bytes).
inline constexpr std::size_t kMaxTitle = 200;
inline constexpr std::size_t kMaxDescription = 4000;
inline constexpr std::size_t kMaxUrl = 2048;
inline constexpr std::size_t kMaxSightingText = 2000;

struct CreateParams {
    core::AlertSpec spec;
    AlertExtras extras;
};

// A dispatcher's CreateAlertRequest as the engine's AlertSpec: required fields present, coordinates and areas valid,
// skills and teams named, the kind's default policy with the request's overrides. Errors say which field.
core::Result<CreateParams> to_spec(const v1::CreateAlertRequest& request, SkillCatalog& skills, NameTable& teams);

struct ChangeParams {
    core::AlertChange change;
    // Extras to replace (unset: keep).
    std::optional<std::string> instruction;
    std::optional<v1::Urgency> urgency;
    std::optional<v1::Severity> severity;
    std::optional<bool> shared;
    bool engine_change = false;  // false: only extras change (the engine is not called, the version still moves)
};

core::Result<ChangeParams> to_change(const v1::UpdateAlertRequest& request);

// Text checks shared with sightings: a length cap and, for links, https only.
core::Status check_text(std::string_view field, std::string_view text, std::size_t max_bytes);
core::Status check_url(std::string_view field, std::string_view url);

}  // namespace yihu::api
