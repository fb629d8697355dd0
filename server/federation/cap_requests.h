#pragma once

#include <string>

#include "core/time.h"
#include "federation/cap_import.h"
#include "yihu/v1/dispatcher.pb.h"

namespace yihu::federation {

// An imported CAP message as the dispatcher API's typed requests, so that POST /v1/cap/alerts runs the same commands
// a dispatcher's JSON would (CapBook says which one).

// kAlert: kind, center, area, CAP scales, title, description, instruction, exercise; expires_in = expires - now
// (unset when the CAP message has no <expires>: the kind's default); idempotency_key = "cap:<sender>,<identifier>".
v1::CreateAlertRequest to_create_request(const ImportedCap& message, core::Time now);

// kUpdate of `alert_id`: the new area and centre, title, description, instruction, urgency and severity. Not the
// expiry: an open alert's expiry cannot change (UpdateAlertRequest refuses expires_at); a sender that wants the alert
// over sooner sends a Cancel.
v1::UpdateAlertRequest to_update_request(const ImportedCap& message, const std::string& alert_id);

// kCancel of `alert_id`: the reason is the CAP <note>, or "Cancelled by <sender>" without one.
v1::CancelAlertRequest to_cancel_request(const ImportedCap& message, const std::string& alert_id);

}  // namespace yihu::federation
