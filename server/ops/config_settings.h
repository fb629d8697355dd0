#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ops/config.h"

namespace yihu::ops {

// How a setting is written. The TOML reader checks the node type from this (a port is an integer, a duration a
// string); flags are always text.
enum class ValueKind : std::uint8_t {
    kText,
    kInteger,
    kDuration,  // "10s", see ops/units.h
    kSize,      // "4MiB" or a whole number of bytes
};

// One scalar key of the configuration: the single table the TOML reader, the flags, --help and describe() all use,
// so a key added here exists everywhere at once.
struct Setting {
    std::string section;
    std::string key;
    std::string placeholder;  // what --help shows after the flag: N, TEXT, PATH, ...
    std::string meaning;      // one line for --help
    ValueKind kind;
    // Parses text and stores it. The error message does not name the key; the caller prefixes it.
    std::function<core::Status(Config&, std::string_view)> set;
    // The value as text that `set` reads back (for --help defaults and describe()).
    std::function<std::string(const Config&)> show;

    std::string name() const { return section + "." + key; }
};

const std::vector<Setting>& settings();

// Sections of the file in --help order; "device" is the array of [[device]] tables.
const std::vector<std::string_view>& config_sections();

inline constexpr std::string_view kDeviceSection = "device";
// The [cap] table, read by federation::parse_cap_settings (its own nested tables).
inline constexpr std::string_view kCapSection = "cap";

// Reads a TOML file onto `config` without the checks across keys (flags may still change the values involved).
// Errors start with the path.
core::Status apply_config_file(Config& config, const std::filesystem::path& path);

}  // namespace yihu::ops
