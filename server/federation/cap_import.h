#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alert/alert_kind.h"
#include "core/geo/area.h"
#include "core/result.h"
#include "core/time.h"
#include "federation/cap_geocode_table.h"
#include "federation/cap_kind_table.h"
#include "federation/cap_limits.h"
#include "federation/cap_message.h"
#include "yihu/v1/common.pb.h"

namespace yihu::federation {

// What a city accepts from CAP senders.
struct CapImportConfig {
    KindTable kinds = KindTable::defaults();
    GeocodeTable geocodes;
    // The <info> block used is the first whose language starts with one of these (ASCII case-insensitive), tried in
    // this order; if none matches, the first <info>.
    std::vector<std::string> languages{"zh"};
    CapLimits limits;
};

enum class CapMsgType { kAlert, kUpdate, kCancel };

// A CAP message's identity: CAP identifiers are unique per sender, so the pair names one message everywhere.
struct CapKey {
    std::string sender;
    std::string identifier;

    friend bool operator==(const CapKey&, const CapKey&) = default;
    friend auto operator<=>(const CapKey&, const CapKey&) = default;
    // "cap:<sender>,<identifier>": the idempotency key of the alert request the message becomes (CAP forbids commas
    // and spaces in both, so the text is unambiguous).
    std::string idempotency_key() const { return "cap:" + sender + "," + identifier; }
};

// One entry of <references>: "sender,identifier,sent".
struct CapReference {
    CapKey key;
    std::string sent;
};

// A CAP message mapped to yihu's terms. For kCancel only key, type, references, sent, exercise and note are set.
struct ImportedCap {
    CapKey key;
    CapMsgType type = CapMsgType::kAlert;
    std::vector<CapReference> references;  // non-empty for kUpdate and kCancel
    core::Time sent{};
    bool exercise = false;  // status Exercise
    std::string note;       // <note>: the reason of a Cancel

    core::AlertKind kind = core::AlertKind::kGeneral;
    std::string event;
    std::string title;  // <headline>, or <event> when there is no headline
    std::string description;
    std::string instruction;
    std::optional<core::Time> expires;  // absent: the kind's default lifetime
    v1::Urgency urgency = v1::URGENCY_UNSPECIFIED;
    v1::Severity severity = v1::SEVERITY_UNSPECIFIED;
    v1::Certainty certainty = v1::CERTAINTY_UNSPECIFIED;
    std::optional<core::geo::Area> area;  // the union of every shape of every <area> of the info used
    core::geo::LatLng center;             // area->reference_point()
    std::string area_description;         // the <areaDesc>s, joined with "; "
};

// Bytes -> ImportedCap: read_cap() (safe parse, schema validation), then map_cap(). Errors are kInvalidArgument (or
// the geo error of a bad shape) with a message saying what is wrong.
core::Result<ImportedCap> import_cap(std::string_view bytes, const CapImportConfig& config, core::Time now);

// The mapping alone (docs/federation.md states it): status Actual or Exercise only; msgType Alert, Update or Cancel
// (Update and Cancel with references); one <info> chosen by language; kind through config.kinds; every polygon and
// circle of every <area>, and for an area with neither, its geocodes through config.geocodes (at least one must be
// known); an <expires> at or before `now` is refused for Alert and Update.
core::Result<ImportedCap> map_cap(const CapMessage& message, const CapImportConfig& config, core::Time now);

// "sender,identifier,sent" triples separated by whitespace; kInvalidArgument for a malformed triple.
core::Result<std::vector<CapReference>> parse_cap_references(std::string_view text);

}  // namespace yihu::federation
