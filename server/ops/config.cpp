#include "ops/config.h"

#include <toml++/toml.h>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>
#include <system_error>

#include "core/alert/alert.h"
#include "ops/config_settings.h"
#include "ops/peer_config_toml.h"
#include "ops/units.h"

namespace yihu::ops {

namespace {

using core::ErrorCode;
using core::make_error;
using core::Status;

constexpr std::size_t kMaxRespondersWanted = 10'000;  // as the core's alert spec check

core::Error invalid(std::string message) {
    return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

std::string at(const toml::source_region& where) {
    return "line " + std::to_string(where.begin.line) + ": ";
}

std::string_view type_name(toml::node_type type) {
    switch (type) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a floating-point number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

std::string join(const std::vector<std::string_view>& names) {
    std::string out;
    for (std::string_view n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

// The text a setting's parser reads from a TOML value, or an error if the value has the wrong type for it.
core::Result<std::string> scalar_text(const Setting& setting, const toml::node& node) {
    if (const auto* s = node.as_string()) {
        if (setting.kind != ValueKind::kInteger) return s->get();
    } else if (const auto* i = node.as_integer()) {
        if (setting.kind == ValueKind::kInteger || setting.kind == ValueKind::kSize) return std::to_string(i->get());
    }
    std::string expected;
    switch (setting.kind) {
        case ValueKind::kText:
            expected = "a string";
            break;
        case ValueKind::kInteger:
            expected = "an integer (without quotes)";
            break;
        case ValueKind::kDuration:
            expected = "a string with a unit, e.g. \"10s\"";
            break;
        case ValueKind::kSize:
            expected = "a size such as \"64KiB\" or a number of bytes";
            break;
    }
    return invalid(at(node.source()) + setting.name() + " must be " + expected + ", got " +
                   std::string(type_name(node.type())));
}

Status read_section(Config& config, std::string_view section, const toml::table& table) {
    std::vector<std::string_view> known;
    for (const Setting& s : settings()) {
        if (s.section == section) known.push_back(s.key);
    }
    for (auto&& [key, node] : table) {
        const Setting* setting = nullptr;
        for (const Setting& s : settings()) {
            if (s.section == section && s.key == key.str()) setting = &s;
        }
        if (!setting) {
            return invalid(at(key.source()) + "unknown key '" + std::string(key.str()) + "' in [" +
                           std::string(section) + "] (known: " + join(known) + ")");
        }
        auto text = scalar_text(*setting, node);
        if (!text) return text.error();
        if (Status s = setting->set(config, *text); !s) {
            return invalid(at(node.source()) + setting->name() + ": " + s.error().message);
        }
    }
    return Status::Ok();
}

Status read_coordinate(const toml::node& node, std::string_view name, double& out) {
    if (const auto* f = node.as_floating_point()) {
        out = f->get();
    } else if (const auto* i = node.as_integer()) {
        out = static_cast<double>(i->get());
    } else {
        return invalid(at(node.source()) + "device." + std::string(name) + " must be a number in degrees, got " +
                       std::string(type_name(node.type())));
    }
    return Status::Ok();
}

Status read_device(const toml::table& table, std::size_t index, DeviceConfig& device) {
    static const std::vector<std::string_view> kKeys = {"id",        "name", "latitude",
                                                        "longitude", "kind", "responders_wanted"};
    const std::string where = at(table.source()) + "device #" + std::to_string(index + 1) + ": ";
    std::set<std::string_view> seen;
    for (auto&& [key, node] : table) {
        const std::string_view k = key.str();
        seen.insert(k);
        const toml::node& value = node;  // C++20 lets a lambda capture a structured binding; clang 14 does not yet
        const auto string_value = [&](std::string& out) -> Status {
            const auto* s = value.as_string();
            if (!s) {
                return invalid(at(value.source()) + "device." + std::string(k) + " must be a string, got " +
                               std::string(type_name(value.type())));
            }
            out = s->get();
            return Status::Ok();
        };
        Status status;
        if (k == "id") {
            status = string_value(device.id);
        } else if (k == "name") {
            status = string_value(device.name);
        } else if (k == "latitude") {
            status = read_coordinate(node, k, device.position.lat);
        } else if (k == "longitude") {
            status = read_coordinate(node, k, device.position.lon);
        } else if (k == "kind") {
            std::string kind;
            status = string_value(kind);
            if (status && !parse_alert_kind(kind, device.kind)) {
                status = invalid(at(node.source()) +
                                 "device.kind must be one of missing_person, missing_child, "
                                 "drowning, suspect, disaster, general; got '" +
                                 kind + "'");
            }
        } else if (k == "responders_wanted") {
            const auto* i = node.as_integer();
            if (!i || i->get() < 1 || static_cast<std::uint64_t>(i->get()) > kMaxRespondersWanted) {
                status = invalid(at(node.source()) + "device.responders_wanted must be an integer from 1 to " +
                                 std::to_string(kMaxRespondersWanted));
            } else {
                device.responders_wanted = static_cast<std::size_t>(i->get());
            }
        } else {
            status = invalid(at(key.source()) + "unknown key '" + std::string(k) +
                             "' in [[device]] (known: " + join(kKeys) + ")");
        }
        if (!status) return status;
    }
    for (std::string_view required : {"id", "latitude", "longitude", "kind"}) {
        if (!seen.contains(required)) return invalid(where + "device." + std::string(required) + " is missing");
    }
    if (!seen.contains("name")) device.name = device.id;
    return Status::Ok();
}

Status read_devices(Config& config, const toml::node& node) {
    const toml::array* array = node.as_array();
    if (!array || !array->is_array_of_tables()) {
        return invalid(at(node.source()) + "device must be a list of tables: write each one as [[device]]");
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        DeviceConfig device;
        if (Status s = read_device(*array->get(i)->as_table(), i, device); !s) return s;
        config.devices.push_back(std::move(device));
    }
    return Status::Ok();
}

Status apply_toml(Config& config, std::string_view toml_text) {
    toml::table root;
    try {
        root = toml::parse(toml_text);
    } catch (const toml::parse_error& e) {
        return invalid("line " + std::to_string(e.source().begin.line) + ", column " +
                       std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
    }
    for (auto&& [key, node] : root) {
        const std::string_view name = key.str();
        bool known = false;
        for (std::string_view s : config_sections()) known = known || s == name;
        if (!known) {
            if (!node.is_table() && !node.is_array()) {
                return invalid(at(key.source()) + "unknown key '" + std::string(name) +
                               "' outside any section (keys go in a section such as [server])");
            }
            return invalid(at(key.source()) + "unknown section [" + std::string(name) +
                           "] (known: " + join(config_sections()) + ")");
        }
        if (name == kDeviceSection) {
            if (Status s = read_devices(config, node); !s) return s;
            continue;
        }
        if (name == kCapSection) {
            // The CAP library reads its own table: only [cap] is handed over, written back out as TOML.
            if (!node.is_table()) return invalid(at(key.source()) + "[cap] must be a table");
            toml::table only_cap;
            only_cap.insert("cap", *node.as_table());
            std::ostringstream text;
            text << only_cap;
            auto cap = federation::parse_cap_settings(text.str());
            if (!cap) return invalid(at(key.source()) + cap.error().message);
            config.cap = std::move(*cap);
            continue;
        }
        if (name == kPeerSection) {
            if (Status s = read_peers(node, config.federation); !s) return s;
            continue;
        }
        if (name == kFederationSection && node.is_table()) {
            if (Status s = read_federation_table(*node.as_table(), config.federation); !s) return s;
            continue;
        }
        const toml::table* table = node.as_table();
        if (!table) return invalid(at(key.source()) + "[" + std::string(name) + "] must be a table");
        if (Status s = read_section(config, name, *table); !s) return s;
    }
    return Status::Ok();
}

Status check_device(const DeviceConfig& d) {
    const std::string who = "device '" + d.id + "': ";
    if (d.id.empty()) return invalid("device.id must not be empty");
    for (char ch : d.id) {
        if (static_cast<unsigned char>(ch) <= ' ' || ch == 0x7f) {
            return invalid(who + "device.id must not contain spaces or control characters");
        }
    }
    if (!std::isfinite(d.position.lat) || d.position.lat < -90 || d.position.lat > 90) {
        return invalid(who + "device.latitude must be a finite number from -90 to 90, got " +
                       std::to_string(d.position.lat));
    }
    if (!std::isfinite(d.position.lon) || d.position.lon < -180 || d.position.lon > 180) {
        return invalid(who + "device.longitude must be a finite number from -180 to 180, got " +
                       std::to_string(d.position.lon));
    }
    if (d.responders_wanted < 1 || d.responders_wanted > kMaxRespondersWanted) {
        return invalid(who + "device.responders_wanted must be from 1 to " + std::to_string(kMaxRespondersWanted));
    }
    return Status::Ok();
}

// Hides the password of redis://user:password@host (or redis://password@host).
std::string redact_url(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    const auto authority = scheme + 3;
    const auto at_sign = url.find('@', authority);
    if (at_sign == std::string::npos || url.find('/', authority) < at_sign) return url;
    const auto colon = url.find(':', authority);
    const auto secret_from = colon < at_sign ? colon + 1 : authority;
    return url.substr(0, secret_from) + "***" + url.substr(at_sign);
}

}  // namespace

std::string_view to_string(LogLevel level) {
    switch (level) {
        case LogLevel::kTrace:
            return "trace";
        case LogLevel::kDebug:
            return "debug";
        case LogLevel::kInfo:
            return "info";
        case LogLevel::kWarn:
            return "warn";
        case LogLevel::kError:
            return "error";
    }
    return "unknown";
}

bool parse_log_level(std::string_view text, LogLevel& out) {
    for (LogLevel l : {LogLevel::kTrace, LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
        if (text == to_string(l)) {
            out = l;
            return true;
        }
    }
    return false;
}

bool parse_alert_kind(std::string_view text, core::AlertKind& out) {
    using core::AlertKind;
    for (AlertKind k : {AlertKind::kMissingPerson, AlertKind::kMissingChild, AlertKind::kDrowning, AlertKind::kSuspect,
                        AlertKind::kDisaster, AlertKind::kGeneral}) {
        if (text == core::to_string(k)) {
            out = k;
            return true;
        }
    }
    return false;
}

core::Device to_core_device(const DeviceConfig& device) {
    core::Device d;
    d.id = device.id;
    d.name = device.name;
    d.position = device.position;
    d.kind = device.kind;
    d.responders_wanted = device.responders_wanted;
    return d;
}

Status validate(const Config& config) {
    // Re-reading every value through its own parser applies the single-key checks to a Config built in code too.
    Config scratch;
    for (const Setting& s : settings()) {
        if (Status st = s.set(scratch, s.show(config)); !st) return invalid(s.name() + ": " + st.error().message);
    }
    const LimitsConfig& limits = config.limits;
    if (limits.ws_message_limit > limits.http_body_limit) {
        return invalid("limits.ws_message_limit (" + format_size(limits.ws_message_limit) +
                       ") must not exceed limits.http_body_limit (" + format_size(limits.http_body_limit) + ")");
    }
    const DeliveryConfig& d = config.delivery;
    if (d.heartbeat_interval >= d.idle_timeout) {
        return invalid("delivery.heartbeat_interval (" + format_duration(d.heartbeat_interval) +
                       ") must be shorter than delivery.idle_timeout (" + format_duration(d.idle_timeout) +
                       "), or idle connections are closed between heartbeats");
    }
    if (d.position_interval >= d.position_max_age) {
        return invalid("delivery.position_interval (" + format_duration(d.position_interval) +
                       ") must be shorter than delivery.position_max_age (" + format_duration(d.position_max_age) +
                       "), or positions expire before the next report");
    }
    if (config.tls.cert_file.empty() != config.tls.key_file.empty()) {
        return invalid("tls.cert_file and tls.key_file go together: set both (HTTPS) or neither (plain HTTP)");
    }
    if (!config.auth.token_secret.empty() && !config.auth.token_secret_file.empty()) {
        return invalid("auth.token_secret and auth.token_secret_file are both set: keep one");
    }
    if (!config.redis.url.empty()) {
        if (config.auth.token_secret.empty() && config.auth.token_secret_file.empty()) {
            return invalid(
                "a cluster node (redis.url set) needs auth.token_secret_file (or auth.token_secret): "
                "every node must verify the same tokens, so none may generate its own");
        }
        if (config.redis.lease_ttl < std::chrono::seconds{1}) {
            return invalid("redis.lease_ttl must be at least 1s (renewals run every third of it)");
        }
        if (config.redis.wait_timeout < std::chrono::milliseconds{10} ||
            config.redis.wait_timeout > std::chrono::seconds{10}) {
            return invalid("redis.wait_timeout must be from 10ms to 10s (a write waits for it on the hub thread)");
        }
    }
    std::set<std::string_view> ids;
    for (const DeviceConfig& device : config.devices) {
        if (Status s = check_device(device); !s) return s;
        if (!ids.insert(device.id).second) return invalid("device.id '" + device.id + "' is used by two devices");
    }
    if (Status s = validate_federation(config.federation, config.server.city); !s) return s;
    return Status::Ok();
}

core::Result<Config> parse_config_toml(std::string_view toml_text) {
    Config config;
    if (Status s = apply_toml(config, toml_text); !s) return s.error();
    if (Status s = validate(config); !s) return s.error();
    return config;
}

Status apply_config_file(Config& config, const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        return invalid("config file " + path.string() + " does not exist");
    }
    if (std::filesystem::is_directory(status)) return invalid("config file " + path.string() + " is a directory");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) {
        return invalid("config file " + path.string() + " cannot be read: " + std::generic_category().message(errno));
    }
    if (Status s = apply_toml(config, text.str()); !s) return invalid(path.string() + ": " + s.error().message);
    return Status::Ok();
}

core::Result<Config> load_config_file(const std::filesystem::path& path) {
    Config config;
    if (Status s = apply_config_file(config, path); !s) return s.error();
    if (Status s = validate(config); !s) return invalid(path.string() + ": " + s.error().message);
    return config;
}

std::string describe(const Config& config) {
    std::string out;
    for (const Setting& s : settings()) {
        std::string value = s.show(config);
        if (s.name() == "auth.token_secret") {
            if (!config.auth.token_secret.empty()) {
                value = "(set)";
            } else if (!config.auth.token_secret_file.empty()) {
                value = "(from auth.token_secret_file)";
            } else {
                value = "(generated)";
            }
        } else if (s.name() == "redis.url") {
            value = redact_url(value);
        }
        out += s.name() + " = " + (value.empty() ? "\"\"" : value) + "\n";
    }
    for (const DeviceConfig& d : config.devices) {
        std::ostringstream line;
        line << std::setprecision(10) << "device " << d.id << " = \"" << d.name << "\" at " << d.position.lat << ","
             << d.position.lon << " " << core::to_string(d.kind) << ", responders_wanted " << d.responders_wanted
             << "\n";
        out += line.str();
    }
    return out;
}

}  // namespace yihu::ops
