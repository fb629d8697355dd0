#include "dispatch/alert_text.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdio>

#include "tools/wire_text.h"

namespace yihu::dispatch {

namespace {

using tools::clock_time;
using tools::metres;
using tools::quoted;
using tools::short_name;

std::string coordinates(const v1::LatLng& p) {
    char text[64];
    std::snprintf(text, sizeof text, "%.5f,%.5f", p.latitude(), p.longitude());
    return text;
}

// current_radius_m is the ring in force; 0 means the alert has a fixed area (the server also fills `area` with the
// current ring's circle when there is none, so `area` alone does not tell).
std::string reach(const v1::Alert& a) {
    if (a.current_radius_m() > 0) return metres(a.current_radius_m());
    if (a.has_area() && a.area().has_polygon()) return "polygon area";
    if (a.has_area() && a.area().has_circle()) return metres(a.area().circle().radius_m()) + " (fixed area)";
    return "-";
}

std::string counts_text(const v1::AlertCounts& c) {
    std::string s = "notified " + std::to_string(c.notified()) + ", acked " + std::to_string(c.acked()) +
                    ", accepted " + std::to_string(c.accepted()) + ", declined " + std::to_string(c.declined());
    if (c.on_scene() > 0) s += ", on scene " + std::to_string(c.on_scene());
    if (c.done() > 0) s += ", done " + std::to_string(c.done());
    if (c.withdrawn() > 0) s += ", withdrawn " + std::to_string(c.withdrawn());
    if (c.sightings() > 0) s += ", sightings " + std::to_string(c.sightings());
    return s;
}

std::string join(const google::protobuf::RepeatedPtrField<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

std::string pad(std::string text, std::size_t width) {
    if (text.size() < width) text.resize(width, ' ');
    return text;
}

}  // namespace

std::string alert_line(const v1::AlertDetail& d) {
    const v1::Alert& a = d.alert();
    return a.id() + "  " + short_name(a.state()) + "  " + tools::kind_flag_name(a.kind()) + "  " + quoted(a.title()) +
           "  v" + std::to_string(a.version()) + "  " + reach(a) + "  " + counts_text(d.counts());
}

std::string alert_block(const v1::AlertDetail& d) {
    const v1::Alert& a = d.alert();
    std::string s = a.id() + "  " + short_name(a.state()) + "  " + tools::kind_flag_name(a.kind()) + "  " +
                    quoted(a.title()) + "  version " + std::to_string(a.version()) + (a.exercise() ? "  EXERCISE" : "");
    s += "\n  center " + coordinates(a.center()) + ", reach " + reach(a) + ", wanted " +
         std::to_string(a.responders_wanted());
    if (a.required_skills_size() > 0) {
        s += ", skills " + join(a.required_skills(), a.skill_match() == v1::SKILL_MATCH_ALL ? "+" : "|");
    }
    if (a.min_tier() > v1::TIER_PUBLIC) s += ", min tier " + v1::Tier_Name(a.min_tier()).substr(5);
    if (a.teams_size() > 0) s += ", teams " + join(a.teams(), ",");
    s += "\n  created " + clock_time(a.created_at()) + " by " + (a.created_by().empty() ? "?" : a.created_by()) +
         ", updated " + clock_time(a.updated_at());
    if (a.has_expires_at()) s += ", expires " + google::protobuf::util::TimeUtil::ToString(a.expires_at());
    if (!a.description().empty()) s += "\n  description: " + a.description();
    if (!a.instruction().empty()) s += "\n  instruction: " + a.instruction();
    if (!a.photo_url().empty()) s += "\n  photo: " + a.photo_url();
    if (!a.closing_note().empty()) s += "\n  closing note: " + a.closing_note();
    s += "\n  " + counts_text(d.counts());
    for (const auto& [city, c] : d.peer_counts()) s += "\n  " + city + ": " + counts_text(c);
    return s;
}

std::string alert_summary(const v1::Alert& a) {
    return a.id() + ": " + tools::kind_flag_name(a.kind()) + " " + quoted(a.title()) + " at " +
           coordinates(a.center()) + ", reach " + reach(a) + ", " + short_name(a.state()) + ", version " +
           std::to_string(a.version());
}

std::string recipients_table(const std::vector<v1::Recipient>& recipients) {
    std::size_t id_width = 9;
    std::size_t role_width = 4;
    for (const auto& r : recipients) {
        id_width = std::max(id_width, r.volunteer_id().size());
        role_width = std::max(role_width, r.role().size());
    }
    std::string s = pad("VOLUNTEER", id_width) + "  " + pad("DISTANCE", 9) + "  " + pad("DELIVERED", 12) + "  " +
                    pad("ACKED", 12) + "  " + pad("RESPONSE", 9) + "  " + pad("ROLE", role_width) + "  STOOD DOWN";
    for (const auto& r : recipients) {
        const std::string response = r.response() == v1::RESPONSE_KIND_UNSPECIFIED ? "-" : short_name(r.response());
        s += '\n';
        s += pad(r.volunteer_id(), id_width) + "  " + pad(metres(r.distance_m()), 9) + "  " +
             pad(clock_time(r.delivered_at()), 12) + "  " + pad(clock_time(r.acked_at()), 12) + "  " +
             pad(response, 9) + "  " + pad(r.role().empty() ? "-" : r.role(), role_width) + "  " +
             (r.stood_down() ? "yes" : "-");
    }
    return s;
}

std::string response_line(const v1::Response& r) {
    return clock_time(r.at()) + "  " + r.volunteer_id() + "  " + short_name(r.kind()) +
           (r.role().empty() ? "" : "  role=" + r.role());
}

std::string audit_line(const v1::AuditEvent& e) {
    std::string s = clock_time(e.at()) + "  " + pad(short_name(e.kind()), 13);
    if (!e.volunteer_id().empty()) s += "  " + e.volunteer_id();
    if (!e.reason().empty()) s += "  " + e.reason();
    if (!e.actor().empty()) s += "  (by " + e.actor() + ")";
    return s;
}

std::string feed_created_line(const v1::LiveFeedEvent& e, const v1::Alert& a) {
    std::string detail = tools::kind_flag_name(a.kind()) + " " + quoted(a.title()) + " at " + coordinates(a.center()) +
                         ", reach " + reach(a) + ", wanted " + std::to_string(a.responders_wanted());
    if (a.required_skills_size() > 0) {
        detail += ", skills " + join(a.required_skills(), a.skill_match() == v1::SKILL_MATCH_ALL ? "+" : "|");
    }
    if (!a.created_by().empty()) detail += ", by " + a.created_by();
    return clock_time(e.at()) + "  " + e.alert_id() + "  " + pad("CREATED", 10) + "  " + detail;
}

std::string feed_line(const v1::LiveFeedEvent& e) {
    // Some events come without `at` (deliveries); their own times say when.
    google::protobuf::Timestamp at = e.at();
    if (!e.has_at() && e.has_delivery())
        at = e.delivery().has_acked_at() ? e.delivery().acked_at() : e.delivery().sent_at();
    std::string what;
    std::string detail;
    switch (e.event_case()) {
        case v1::LiveFeedEvent::kDelivery: {
            const v1::Delivery& d = e.delivery();
            const bool acked = d.has_acked_at();
            what = acked ? "ACKED" : "DELIVERED";
            detail = d.volunteer_id() + " " + short_name(d.kind()) + " seq " + std::to_string(d.seq());
            if (acked && d.has_sent_at()) {
                const auto ms = google::protobuf::util::TimeUtil::DurationToMilliseconds(d.acked_at() - d.sent_at());
                detail += " after " + std::to_string(ms) + " ms";
            }
            break;
        }
        case v1::LiveFeedEvent::kResponse: {
            const v1::Response& r = e.response();
            what = "RESPONSE";
            detail = r.volunteer_id() + " " + short_name(r.kind()) + (r.role().empty() ? "" : " role=" + r.role());
            break;
        }
        case v1::LiveFeedEvent::kResponderPosition: {
            const v1::AcceptedResponderPosition& p = e.responder_position();
            what = "POSITION";
            detail = p.volunteer_id() + " at " + coordinates(p.position().location()) + ", " + metres(p.distance_m()) +
                     " from the center" + (p.role().empty() ? "" : " (" + p.role() + ")");
            break;
        }
        case v1::LiveFeedEvent::kSighting: {
            const v1::Sighting& s = e.sighting();
            what = "SIGHTING";
            detail = s.reporter_id() + " at " + coordinates(s.position().location()) + " " + quoted(s.text());
            break;
        }
        case v1::LiveFeedEvent::kEscalation: {
            const v1::Escalation& x = e.escalation();
            what = "ESCALATION";
            detail = "reach " + (x.old_radius_m() > 0 ? metres(x.old_radius_m()) + " -> " : std::string("now ")) +
                     metres(x.new_radius_m()) + ", " + std::to_string(x.newly_alerted()) + " more notified" +
                     (x.reason().empty() ? "" : ": " + x.reason());
            break;
        }
        case v1::LiveFeedEvent::kStateChange: {
            const v1::StateChange& c = e.state_change();
            what = "STATE";
            detail = (c.from() == v1::ALERT_STATE_UNSPECIFIED ? "" : short_name(c.from()) + " ") + "-> " +
                     short_name(c.to()) + (c.message().empty() ? "" : " " + quoted(c.message())) +
                     (c.by().empty() ? "" : " by " + c.by());
            break;
        }
        case v1::LiveFeedEvent::kAlertUpdated: {
            const v1::Alert& a = e.alert_updated();
            what = "UPDATED";
            detail = "version " + std::to_string(a.version()) + " " + quoted(a.title()) + ", " + short_name(a.state()) +
                     ", reach " + reach(a);
            break;
        }
        case v1::LiveFeedEvent::kPeerCounts: {
            const v1::PeerCounts& p = e.peer_counts();
            what = "PEER";
            detail = p.city() + ": " + counts_text(p.counts());
            break;
        }
        default:
            what = "EVENT";
            break;  // a kind newer than this tool
    }
    return clock_time(at) + "  " + e.alert_id() + "  " + pad(what, 10) + "  " + detail;
}

}  // namespace yihu::dispatch
