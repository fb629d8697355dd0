#include "federation/cap_export.h"

#include "federation/cap_kinds.h"
#include "federation/cap_time.h"
#include "federation/xml_text.h"

namespace yihu::federation {

namespace {

core::Time time_of(const google::protobuf::Timestamp& t) {
    return core::time_from_ms(t.seconds() * 1000 + t.nanos() / 1'000'000);
}

core::AlertKind kind_of(v1::AlertKind k) {
    switch (k) {
        case v1::ALERT_KIND_MISSING_PERSON:
            return core::AlertKind::kMissingPerson;
        case v1::ALERT_KIND_MISSING_CHILD:
            return core::AlertKind::kMissingChild;
        case v1::ALERT_KIND_DROWNING:
            return core::AlertKind::kDrowning;
        case v1::ALERT_KIND_SUSPECT:
            return core::AlertKind::kSuspect;
        case v1::ALERT_KIND_DISASTER:
            return core::AlertKind::kDisaster;
        default:
            return core::AlertKind::kGeneral;
    }
}

const char* urgency_text(v1::Urgency u, core::AlertKind kind) {
    switch (u) {
        case v1::URGENCY_IMMEDIATE:
            return "Immediate";
        case v1::URGENCY_EXPECTED:
            return "Expected";
        case v1::URGENCY_FUTURE:
            return "Future";
        case v1::URGENCY_PAST:
            return "Past";
        case v1::URGENCY_UNKNOWN:
            return "Unknown";
        default:  // not set: what a volunteer is asked to do about each kind is immediate, except a general notice
            return kind == core::AlertKind::kGeneral ? "Expected" : "Immediate";
    }
}

const char* severity_text(v1::Severity s, core::AlertKind kind) {
    switch (s) {
        case v1::SEVERITY_EXTREME:
            return "Extreme";
        case v1::SEVERITY_SEVERE:
            return "Severe";
        case v1::SEVERITY_MODERATE:
            return "Moderate";
        case v1::SEVERITY_MINOR:
            return "Minor";
        case v1::SEVERITY_UNKNOWN:
            return "Unknown";
        default:  // not set: a life in danger is severe, anything else moderate
            return kind == core::AlertKind::kGeneral || kind == core::AlertKind::kSuspect ? "Moderate" : "Severe";
    }
}

const char* certainty_text(v1::Certainty c) {
    switch (c) {
        case v1::CERTAINTY_OBSERVED:
            return "Observed";
        case v1::CERTAINTY_LIKELY:
            return "Likely";
        case v1::CERTAINTY_POSSIBLE:
            return "Possible";
        case v1::CERTAINTY_UNLIKELY:
            return "Unlikely";
        default:
            return "Unknown";
    }
}

void append_pair(std::string& out, const v1::LatLng& p) {
    append_decimal(out, p.latitude());
    out += ',';
    append_decimal(out, p.longitude());
}

// Numbers need no escaping, so shapes are written straight into the document.
void append_circle(std::string& out, const v1::Circle& c) {
    out += "      <circle>";
    append_pair(out, c.center());
    out += ' ';
    append_decimal(out, c.radius_m() / 1000.0);
    out += "</circle>\n";
}

void append_polygon(std::string& out, const v1::Polygon& p) {
    out += "      <polygon>";
    for (int i = 0; i < p.ring_size(); ++i) {
        if (i > 0) out += ' ';
        append_pair(out, p.ring(i));
    }
    out += "</polygon>\n";
}

bool is_closed(v1::AlertState s) {
    return s != v1::ALERT_STATE_ACTIVE && s != v1::ALERT_STATE_UNSPECIFIED;
}

}  // namespace

std::string cap_identifier(const v1::Alert& alert) {
    if (alert.version() <= 1) return alert.id();
    return alert.id() + ".v" + std::to_string(alert.version());
}

core::Result<std::string> to_cap_xml(const v1::Alert& a, const CapExportOptions& o) {
    if (a.id().empty()) return core::make_error(core::ErrorCode::kInvalidArgument, "the alert has no id");
    const core::AlertKind kind = kind_of(a.kind());
    const bool closed = is_closed(a.state());
    const char* msg_type = closed ? "Cancel" : (a.version() <= 1 ? "Alert" : "Update");
    const std::string created = format_cap_time(time_of(a.created_at()));
    const std::string sent = a.version() <= 1 ? created : format_cap_time(time_of(a.updated_at()));

    std::string x;
    x.reserve(4096 + static_cast<std::size_t>(a.area().polygon().ring_size()) * 24);
    x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n";
    append_element(x, 2, "identifier", cap_identifier(a));
    append_element(x, 2, "sender", o.sender);
    append_element(x, 2, "sent", sent);
    append_element(x, 2, "status", a.exercise() ? "Exercise" : "Actual");
    append_element(x, 2, "msgType", msg_type);
    // Suspect alerts go to vetted volunteers only.
    const bool restricted = kind == core::AlertKind::kSuspect;
    append_element(x, 2, "scope", restricted ? "Restricted" : "Public");
    if (restricted) append_element(x, 2, "restriction", "vetted volunteers only");
    if (closed && !a.closing_note().empty()) append_element(x, 2, "note", a.closing_note());
    if (std::string(msg_type) != "Alert") append_element(x, 2, "references", o.sender + "," + a.id() + "," + created);

    x += "  <info>\n";
    append_element(x, 4, "language", o.language);
    append_element(x, 4, "category", cap_category_of(kind));
    append_element(x, 4, "event", cap_event_of(kind));
    if (closed) append_element(x, 4, "responseType", "AllClear");
    append_element(x, 4, "urgency", closed ? "Past" : urgency_text(a.urgency(), kind));
    append_element(x, 4, "severity", severity_text(a.severity(), kind));
    append_element(x, 4, "certainty", certainty_text(a.certainty()));
    if (a.has_expires_at()) append_element(x, 4, "expires", format_cap_time(time_of(a.expires_at())));
    if (!o.sender_name.empty()) append_element(x, 4, "senderName", o.sender_name);
    if (!a.title().empty()) append_element(x, 4, "headline", a.title());
    if (!a.description().empty()) append_element(x, 4, "description", a.description());
    if (!a.instruction().empty()) append_element(x, 4, "instruction", a.instruction());
    if (!o.base_url.empty()) append_element(x, 4, "web", o.base_url + "/v1/alerts/" + a.id());
    x += "    <area>\n";
    append_element(x, 6, "areaDesc", a.title().empty() ? std::string(cap_event_of(kind)) : a.title());
    switch (a.area().shape_case()) {
        case v1::Area::kCircle:
            append_circle(x, a.area().circle());
            break;
        case v1::Area::kPolygon:
            append_polygon(x, a.area().polygon());
            break;
        case v1::Area::kShapes:
            for (const v1::Polygon& p : a.area().shapes().polygons()) append_polygon(x, p);
            for (const v1::Circle& c : a.area().shapes().circles()) append_circle(x, c);
            break;
        default: {  // no fixed area: the ring currently in force around the centre
            v1::Circle ring;
            *ring.mutable_center() = a.center();
            ring.set_radius_m(a.current_radius_m());
            append_circle(x, ring);
        }
    }
    x += "    </area>\n  </info>\n</alert>\n";
    return x;
}

}  // namespace yihu::federation
