#include "federation/cap_config.h"

#include <toml++/toml.h>

#include <string>

#include "federation/cap_geometry.h"

namespace yihu::federation {

namespace {

core::Error invalid(const std::string& where, const std::string& what) {
    return core::make_error(core::ErrorCode::kInvalidArgument, where + ": " + what);
}

std::optional<core::AlertKind> kind_named(std::string_view name) {
    using core::AlertKind;
    for (AlertKind k : {AlertKind::kMissingPerson, AlertKind::kMissingChild, AlertKind::kDrowning, AlertKind::kSuspect,
                        AlertKind::kDisaster, AlertKind::kGeneral}) {
        if (core::to_string(k) == name) return k;
    }
    return std::nullopt;
}

// The strings of an array of strings; false if `node` is something else.
bool strings_of(const toml::node* node, std::vector<std::string>& out) {
    const toml::array* array = node ? node->as_array() : nullptr;
    if (!array) return false;
    for (const toml::node& item : *array) {
        const auto s = item.value<std::string>();
        if (!s) return false;
        out.push_back(*s);
    }
    return true;
}

core::Status only_keys(const toml::table& table, std::initializer_list<std::string_view> keys,
                       const std::string& where) {
    for (auto&& [key, node] : table) {
        bool known = false;
        for (std::string_view k : keys) known = known || k == key.str();
        if (!known) return invalid(where, "unknown key '" + std::string(key.str()) + "'");
    }
    return core::Status::Ok();
}

core::Status read_kind_rule(const toml::table& t, const std::string& where, KindRule& rule) {
    if (core::Status s = only_keys(t, {"category", "event", "urgency", "kind"}, where); !s) return s;
    const auto kind = t["kind"].value<std::string>();
    if (!kind)
        return invalid(where, "kind is required (missing_person, missing_child, drowning, suspect, disaster, general)");
    const auto parsed = kind_named(*kind);
    if (!parsed) return invalid(where, "unknown kind '" + *kind + "'");
    rule.kind = *parsed;
    for (auto [key, field] : {std::pair{"category", &rule.category}, std::pair{"event", &rule.event},
                              std::pair{"urgency", &rule.urgency}}) {
        const toml::node* node = t.get(key);
        if (!node) continue;
        const auto value = node->value<std::string>();
        if (!value) return invalid(where, std::string(key) + " must be a string");
        *field = *value;
    }
    return core::Status::Ok();
}

core::Status read_geocode(const toml::table& t, const std::string& where, GeocodeEntry& entry) {
    if (core::Status s = only_keys(t, {"value_name", "value", "circles", "polygons"}, where); !s) return s;
    const auto name = t["value_name"].value<std::string>();
    const auto value = t["value"].value<std::string>();
    if (!name || !value) return invalid(where, "value_name and value are required strings");
    entry.value_name = *name;
    entry.value = *value;
    std::vector<std::string> circles, polygons;
    if (t.contains("circles") && !strings_of(t.get("circles"), circles)) {
        return invalid(where, "circles must be an array of \"lat,lon radius_km\" strings");
    }
    if (t.contains("polygons") && !strings_of(t.get("polygons"), polygons)) {
        return invalid(where, "polygons must be an array of CAP polygon strings");
    }
    if (circles.empty() && polygons.empty()) return invalid(where, "a geocode needs at least one circle or polygon");
    for (std::size_t i = 0; i < circles.size(); ++i) {
        auto c = parse_cap_circle(circles[i]);
        if (!c) return invalid(where + ".circles[" + std::to_string(i) + "]", c.error().message);
        entry.circles.push_back(*c);
    }
    for (std::size_t i = 0; i < polygons.size(); ++i) {
        auto p = parse_cap_polygon(polygons[i]);
        if (!p) return invalid(where + ".polygons[" + std::to_string(i) + "]", p.error().message);
        entry.polygons.push_back(std::move(*p));
    }
    return core::Status::Ok();
}

// CAP's rule for <sender> and <identifier>: no whitespace, commas or XML-reserved characters (they are joined with
// commas in <references>).
bool valid_cap_name(std::string_view s) {
    if (s.empty()) return false;
    for (char ch : s) {
        if (static_cast<unsigned char>(ch) <= ' ' || ch == ',' || ch == '<' || ch == '&' || ch == 0x7f) return false;
    }
    return true;
}

core::Status read_export_options(const toml::table& cap, CapExportOptions& out) {
    for (auto [key, field] : {std::pair{"sender", &out.sender}, std::pair{"sender_name", &out.sender_name},
                              std::pair{"export_language", &out.language}, std::pair{"base_url", &out.base_url}}) {
        const toml::node* node = cap.get(key);
        if (!node) continue;
        const auto value = node->value<std::string>();
        if (!value) return invalid("cap." + std::string(key), "must be a string");
        *field = *value;
    }
    if (!valid_cap_name(out.sender)) {
        return invalid("cap.sender", "must be non-empty, without spaces, commas, '<' or '&' (CAP's rule)");
    }
    if (out.language.empty()) return invalid("cap.export_language", "must not be empty (an RFC 3066 tag: zh-CN)");
    while (!out.base_url.empty() && out.base_url.back() == '/') out.base_url.pop_back();
    return core::Status::Ok();
}

}  // namespace

core::Result<CapImportConfig> parse_cap_config(std::string_view toml_text) {
    auto settings = parse_cap_settings(toml_text);
    if (!settings) return settings.error();
    return std::move(settings->import);
}

core::Result<CapSettings> parse_cap_settings(std::string_view toml_text) {
    toml::table root;
    try {
        root = toml::parse(toml_text);
    } catch (const toml::parse_error& e) {
        return invalid("line " + std::to_string(e.source().begin.line), std::string(e.description()));
    }
    CapSettings settings;
    CapImportConfig& config = settings.import;
    const toml::table* cap = root["cap"].as_table();
    if (!cap) {
        if (root.contains("cap")) return invalid("cap", "must be a table");
        return settings;
    }
    if (core::Status s = only_keys(*cap,
                                   {"languages", "max_bytes", "default_kinds", "kind", "geocode", "sender",
                                    "sender_name", "export_language", "base_url"},
                                   "cap");
        !s) {
        return s.error();
    }
    if (core::Status s = read_export_options(*cap, settings.export_options); !s) return s.error();
    if (cap->contains("languages")) {
        config.languages.clear();
        if (!strings_of(cap->get("languages"), config.languages)) {
            return invalid("cap.languages", "must be an array of strings");
        }
    }
    if (cap->contains("max_bytes")) {
        const auto bytes = (*cap)["max_bytes"].value<std::int64_t>();
        if (!bytes || *bytes < 1024 || *bytes > 64 * 1024 * 1024) {
            return invalid("cap.max_bytes", "must be an integer from 1024 to 67108864");
        }
        config.limits.max_bytes = static_cast<std::size_t>(*bytes);
    }
    bool defaults = true;
    if (cap->contains("default_kinds")) {
        const auto flag = (*cap)["default_kinds"].value<bool>();
        if (!flag) return invalid("cap.default_kinds", "must be true or false");
        defaults = *flag;
    }
    std::vector<KindRule> rules;
    if (const toml::node* kinds = cap->get("kind")) {
        const toml::array* array = kinds->as_array();
        if (!array) return invalid("cap.kind", "must be an array of tables ([[cap.kind]])");
        for (std::size_t i = 0; i < array->size(); ++i) {
            const std::string where = "cap.kind[" + std::to_string(i) + "]";
            const toml::table* t = array->get(i)->as_table();
            if (!t) return invalid(where, "must be a table");
            KindRule rule;
            if (core::Status s = read_kind_rule(*t, where, rule); !s) return s.error();
            rules.push_back(std::move(rule));
        }
    }
    if (defaults) {
        const KindTable fallback = KindTable::defaults();
        rules.insert(rules.end(), fallback.rules().begin(), fallback.rules().end());
    }
    config.kinds = KindTable(std::move(rules));
    if (const toml::node* geocodes = cap->get("geocode")) {
        const toml::array* array = geocodes->as_array();
        if (!array) return invalid("cap.geocode", "must be an array of tables ([[cap.geocode]])");
        for (std::size_t i = 0; i < array->size(); ++i) {
            const std::string where = "cap.geocode[" + std::to_string(i) + "]";
            const toml::table* t = array->get(i)->as_table();
            if (!t) return invalid(where, "must be a table");
            GeocodeEntry entry;
            if (core::Status s = read_geocode(*t, where, entry); !s) return s.error();
            config.geocodes.add(std::move(entry));
        }
    }
    return settings;
}

}  // namespace yihu::federation
