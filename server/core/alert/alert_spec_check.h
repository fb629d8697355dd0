#pragma once

#include "core/alert/alert.h"
#include "core/result.h"

namespace yihu::core {

// Rejects an alert a dispatcher could not have meant: bad centre or radius, no responders wanted, a policy whose
// numbers make no sense. Each failure carries its own code and a message that names the field.
Status check_alert_spec(const AlertSpec& spec, const AlertPolicy& policy);
Status check_alert_change(const Alert& alert, const AlertChange& change);

}  // namespace yihu::core
