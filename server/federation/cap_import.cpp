#include "federation/cap_import.h"

#include "federation/cap_geometry.h"
#include "federation/cap_reader.h"
#include "federation/cap_time.h"

namespace yihu::federation {

namespace {

using core::ErrorCode;
using core::make_error;

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (prefix.size() > text.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(text[i]) != lower(prefix[i])) return false;
    }
    return true;
}

const CapInfoText& choose_info(const CapMessage& m, const std::vector<std::string>& languages) {
    for (const std::string& lang : languages) {
        for (const CapInfoText& info : m.infos) {
            if (starts_with_ignoring_case(info.language, lang)) return info;
        }
    }
    return m.infos.front();
}

v1::Urgency urgency_of(std::string_view s) {
    if (s == "Immediate") return v1::URGENCY_IMMEDIATE;
    if (s == "Expected") return v1::URGENCY_EXPECTED;
    if (s == "Future") return v1::URGENCY_FUTURE;
    if (s == "Past") return v1::URGENCY_PAST;
    return v1::URGENCY_UNKNOWN;
}

v1::Severity severity_of(std::string_view s) {
    if (s == "Extreme") return v1::SEVERITY_EXTREME;
    if (s == "Severe") return v1::SEVERITY_SEVERE;
    if (s == "Moderate") return v1::SEVERITY_MODERATE;
    if (s == "Minor") return v1::SEVERITY_MINOR;
    return v1::SEVERITY_UNKNOWN;
}

v1::Certainty certainty_of(std::string_view s) {
    if (s == "Observed") return v1::CERTAINTY_OBSERVED;
    if (s == "Likely") return v1::CERTAINTY_LIKELY;
    if (s == "Possible") return v1::CERTAINTY_POSSIBLE;
    if (s == "Unlikely") return v1::CERTAINTY_UNLIKELY;
    return v1::CERTAINTY_UNKNOWN;
}

core::Error in_area(const core::Error& e, std::size_t index, const std::string& description) {
    return make_error(e.code,
                      "area " + std::to_string(index + 1) + " ('" + description.substr(0, 60) + "'): " + e.message);
}

// Every shape of every area, geocode-only areas through the table.
core::Status collect_shapes(const CapInfoText& info, const GeocodeTable& geocodes,
                            std::vector<core::geo::Circle>& circles, std::vector<core::geo::Polygon>& polygons) {
    for (std::size_t i = 0; i < info.areas.size(); ++i) {
        const CapAreaText& a = info.areas[i];
        for (const std::string& text : a.polygons) {
            auto p = parse_cap_polygon(text);
            if (!p) return in_area(p.error(), i, a.description);
            polygons.push_back(std::move(*p));
        }
        for (const std::string& text : a.circles) {
            auto c = parse_cap_circle(text);
            if (!c) return in_area(c.error(), i, a.description);
            circles.push_back(*c);
        }
        if (!a.polygons.empty() || !a.circles.empty()) continue;  // shapes given: geocodes are descriptive only
        const GeocodeEntry* known = nullptr;
        std::string tried;
        for (const CapValuePair& g : a.geocodes) {
            known = geocodes.find(g.name, g.value);
            if (known) break;
            if (!tried.empty()) tried += ", ";
            tried += g.name + "=" + g.value;
        }
        if (!known) {
            return in_area(make_error(ErrorCode::kInvalidArgument,
                                      a.geocodes.empty() ? std::string("has no polygon, circle or geocode")
                                                         : "has only geocodes (" + tried +
                                                               ") and none of them is in this city's geocode table"),
                           i, a.description);
        }
        circles.insert(circles.end(), known->circles.begin(), known->circles.end());
        polygons.insert(polygons.end(), known->polygons.begin(), known->polygons.end());
    }
    return core::Status::Ok();
}

}  // namespace

core::Result<std::vector<CapReference>> parse_cap_references(std::string_view text) {
    std::vector<CapReference> out;
    std::size_t i = 0;
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (i < text.size()) {
        while (i < text.size() && space(text[i])) ++i;
        const std::size_t start = i;
        while (i < text.size() && !space(text[i])) ++i;
        if (start == i) break;
        const std::string_view triple = text.substr(start, i - start);
        const auto c1 = triple.find(',');
        const auto c2 = c1 == std::string_view::npos ? c1 : triple.find(',', c1 + 1);
        if (c2 == std::string_view::npos || triple.find(',', c2 + 1) != std::string_view::npos || c1 == 0 ||
            c2 == c1 + 1 || c2 + 1 == triple.size()) {
            return make_error(ErrorCode::kInvalidArgument, "reference '" + std::string(triple.substr(0, 80)) +
                                                               "' is not \"sender,identifier,sent\"");
        }
        out.push_back(
            CapReference{CapKey{std::string(triple.substr(0, c1)), std::string(triple.substr(c1 + 1, c2 - c1 - 1))},
                         std::string(triple.substr(c2 + 1))});
    }
    return out;
}

core::Result<ImportedCap> map_cap(const CapMessage& m, const CapImportConfig& config, core::Time now) {
    ImportedCap out;
    out.key = CapKey{m.sender, m.identifier};
    if (m.sender.empty() || m.identifier.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "identifier and sender must not be empty");
    }
    if (m.status != "Actual" && m.status != "Exercise") {
        return make_error(
            ErrorCode::kInvalidArgument,
            "status " + m.status + " is not imported: only Actual and Exercise messages alert volunteers");
    }
    out.exercise = m.status == "Exercise";
    if (m.msg_type == "Alert") {
        out.type = CapMsgType::kAlert;
    } else if (m.msg_type == "Update") {
        out.type = CapMsgType::kUpdate;
    } else if (m.msg_type == "Cancel") {
        out.type = CapMsgType::kCancel;
    } else {
        return make_error(ErrorCode::kInvalidArgument,
                          "msgType " + m.msg_type + " is not imported: only Alert, Update and Cancel are");
    }
    auto sent = parse_cap_time(m.sent);
    if (!sent) return make_error(ErrorCode::kInvalidArgument, "sent: " + sent.error().message);
    out.sent = *sent;
    auto refs = parse_cap_references(m.references);
    if (!refs) return refs.error();
    out.references = std::move(*refs);
    if (out.type != CapMsgType::kAlert && out.references.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "an " + m.msg_type +
                                                           " must carry <references> naming the message it " +
                                                           (out.type == CapMsgType::kUpdate ? "updates" : "cancels"));
    }
    out.note = m.note;
    if (out.type == CapMsgType::kCancel) return out;

    if (m.infos.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "an " + m.msg_type + " needs an <info> block to alert anyone");
    }
    const CapInfoText& info = choose_info(m, config.languages);
    const auto kind = config.kinds.find(info);
    if (!kind) {
        std::string categories;
        for (const std::string& c : info.categories) categories += (categories.empty() ? "" : ",") + c;
        return make_error(ErrorCode::kInvalidArgument, "no alert kind is configured for category " + categories +
                                                           ", event '" + info.event + "', urgency " + info.urgency);
    }
    out.kind = *kind;
    out.event = info.event;
    out.title = info.headline.empty() ? info.event : info.headline;
    out.description = info.description;
    out.instruction = info.instruction;
    out.urgency = urgency_of(info.urgency);
    out.severity = severity_of(info.severity);
    out.certainty = certainty_of(info.certainty);
    if (info.expires) {
        auto expires = parse_cap_time(*info.expires);
        if (!expires) return make_error(ErrorCode::kInvalidArgument, "expires: " + expires.error().message);
        if (*expires <= now) {
            return make_error(ErrorCode::kInvalidArgument,
                              "the alert already expired at " + *info.expires + " (now " + format_cap_time(now) + ")");
        }
        out.expires = *expires;
    }
    if (info.areas.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "the <info> has no <area>: a yihu alert needs a place");
    }
    std::vector<core::geo::Circle> circles;
    std::vector<core::geo::Polygon> polygons;
    if (core::Status s = collect_shapes(info, config.geocodes, circles, polygons); !s) return s.error();
    auto area = core::geo::Area::make(std::move(circles), std::move(polygons));
    if (!area) return area.error();
    out.center = area->reference_point();
    out.area = std::move(*area);
    for (const CapAreaText& a : info.areas) {
        if (!out.area_description.empty()) out.area_description += "; ";
        out.area_description += a.description;
    }
    return out;
}

core::Result<ImportedCap> import_cap(std::string_view bytes, const CapImportConfig& config, core::Time now) {
    auto message = read_cap(bytes, config.limits);
    if (!message) return message.error();
    return map_cap(*message, config, now);
}

}  // namespace yihu::federation
