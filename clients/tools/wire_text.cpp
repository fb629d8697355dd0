#include "tools/wire_text.h"

#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace yihu::tools {

namespace {

std::string without_prefix(const std::string& name, std::string_view prefix) {
    if (name.empty()) return "?";
    if (name.compare(0, prefix.size(), prefix) == 0) return name.substr(prefix.size());
    return name;
}

}  // namespace

std::string short_name(v1::ErrorCode code) {
    return without_prefix(v1::ErrorCode_Name(code), "ERROR_CODE_");
}

std::string short_name(v1::AlertState state) {
    return without_prefix(v1::AlertState_Name(state), "ALERT_STATE_");
}

std::string short_name(v1::ResponseKind kind) {
    return without_prefix(v1::ResponseKind_Name(kind), "RESPONSE_KIND_");
}

std::string short_name(v1::DeliveryKind kind) {
    return without_prefix(v1::DeliveryKind_Name(kind), "DELIVERY_KIND_");
}

std::string short_name(v1::AuditEventKind kind) {
    return without_prefix(v1::AuditEventKind_Name(kind), "AUDIT_EVENT_KIND_");
}

std::string kind_flag_name(v1::AlertKind kind) {
    std::string name = without_prefix(v1::AlertKind_Name(kind), "ALERT_KIND_");
    for (char& c : name) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
}

std::string metres(double m) {
    if (!(m >= 0)) return "-";
    return std::to_string(std::lround(m)) + " m";
}

std::string clock_time(const google::protobuf::Timestamp& t) {
    if (t.seconds() == 0 && t.nanos() == 0) return "-";
    const std::time_t seconds = static_cast<std::time_t>(t.seconds());
    std::tm local{};
    localtime_r(&seconds, &local);
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min, local.tm_sec,
                  t.nanos() / 1'000'000);
    return text;
}

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' ';
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

std::string optional_part(std::string_view prefix, std::string_view text) {
    if (text.empty()) return {};
    std::string out(prefix);
    out.append(text);
    return out;
}

std::string pretty_json(const google::protobuf::Message& message) {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    std::string out;
    // Printing a message that was parsed or built here cannot fail (only invalid UTF-8 would make it).
    (void)google::protobuf::util::MessageToJsonString(message, &out, options);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

}  // namespace yihu::tools
