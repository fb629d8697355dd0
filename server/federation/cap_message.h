#pragma once

#include <optional>
#include <string>
#include <vector>

namespace yihu::federation {

// A CAP 1.2 message as written, before any mapping: element texts, trimmed of surrounding whitespace. Produced by
// read_cap() from a schema-valid document, so enumerated fields hold one of the schema's values.
struct CapValuePair {
    std::string name;  // valueName
    std::string value;
};

struct CapAreaText {
    std::string description;            // areaDesc
    std::vector<std::string> polygons;  // "lat,lon lat,lon ..." rings
    std::vector<std::string> circles;   // "lat,lon radius_km"
    std::vector<CapValuePair> geocodes;
};

struct CapInfoText {
    std::string language;  // "en-US" when absent, as the schema's default says
    std::vector<std::string> categories;
    std::string event;
    std::string urgency;
    std::string severity;
    std::string certainty;
    std::optional<std::string> expires;
    std::string sender_name;
    std::string headline;
    std::string description;
    std::string instruction;
    std::string web;
    std::vector<CapValuePair> parameters;
    std::vector<CapAreaText> areas;
};

struct CapMessage {
    std::string identifier;
    std::string sender;
    std::string sent;
    std::string status;    // Actual, Exercise, System, Test, Draft
    std::string msg_type;  // Alert, Update, Cancel, Ack, Error
    std::string scope;     // Public, Restricted, Private
    std::string note;
    std::string references;  // space-separated "sender,identifier,sent" triples
    std::string incidents;
    std::vector<CapInfoText> infos;
};

}  // namespace yihu::federation
