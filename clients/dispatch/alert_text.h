#pragma once

#include <string>
#include <vector>

#include "yihu/v1/dispatcher.pb.h"

namespace yihu::dispatch {

// How yihu-dispatch shows the API's messages to a person: one line per list item or feed event, a short block for
// one alert, a table for recipients. (--json prints the messages themselves instead.)

// "dongguan-3  ACTIVE  drowning  "Drowning at Songshan Lake"  v2  1500 m  notified 9 acked 9 accepted 3 declined 6"
std::string alert_line(const v1::AlertDetail& detail);
// Several lines: identity and state, place and reach, times, texts, counts.
std::string alert_block(const v1::AlertDetail& detail);
// "created dongguan-3: drowning "Title" at 22.93000,113.89000, reach 1500 m, version 1"
std::string alert_summary(const v1::Alert& alert);

// A header and one row per recipient, columns aligned.
std::string recipients_table(const std::vector<v1::Recipient>& recipients);
std::string response_line(const v1::Response& response);
std::string audit_line(const v1::AuditEvent& event);

// "14:03:27.412  dongguan-3  RESPONSE    v-17 ACCEPT role=rescue"
std::string feed_line(const v1::LiveFeedEvent& event);
// The creation of an alert (its first state change, to ACTIVE), with what the alert is about.
std::string feed_created_line(const v1::LiveFeedEvent& event, const v1::Alert& alert);

}  // namespace yihu::dispatch
