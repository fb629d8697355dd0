// load_config: the command line on top of the file on top of the defaults, and --help.
#include <boost/program_options.hpp>
#include <ostream>

#include "ops/config.h"
#include "ops/config_settings.h"

namespace yihu::ops {

namespace {

namespace po = boost::program_options;
using core::ErrorCode;
using core::make_error;
using core::Status;

struct Alias {
    std::string_view flag;
    std::string_view target;  // a Setting::name()
};

constexpr Alias kAliases[] = {{"port", "server.port"}, {"data-dir", "store.data_dir"}, {"log-level", "log.level"}};

std::string alias_of(const std::string& name) {
    for (const Alias& a : kAliases) {
        if (a.target == name) return std::string(a.flag);
    }
    return {};
}

void print_help(std::ostream& out, std::string_view program) {
    const Config defaults;
    out << "Usage: " << program << " [--config FILE] [--section.key VALUE ...]\n\n"
        << "Settings are the defaults below, overridden by the TOML file given with --config, overridden by flags.\n"
        << "The flag --server.port is the key port in the file's [server] section; a node needs no file at all.\n"
        << "Durations: 250ms, 10s, 5m, 72h, 7d. Sizes: 512, 64KiB, 4MiB, 1GiB.\n\n"
        << "  -h, --help                print this help and exit\n"
        << "  -c, --config FILE         TOML configuration file (default: none)\n";
    std::string section;
    for (const Setting& s : settings()) {
        if (s.section != section) {
            section = s.section;
            out << "\n[" << section << "]\n";
        }
        std::string flag = "  --" + s.name();
        if (const std::string alias = alias_of(s.name()); !alias.empty()) flag += ", --" + alias;
        flag += " " + s.placeholder;
        if (flag.size() < 44) flag.resize(44, ' ');
        const std::string value = s.show(defaults);
        out << flag << "  " << s.meaning << " (default: " << (value.empty() ? "empty" : value) << ")\n";
    }
    out << "\n[[device]] (file only, any number): a fixed-location alarm that raises alerts\n"
        << "  id                  unique name, e.g. \"hut-12\" (required)\n"
        << "  name                what dispatchers see (default: the id)\n"
        << "  latitude, longitude WGS84 degrees (required)\n"
        << "  kind                missing_person, missing_child, drowning, suspect, disaster or general (required)\n"
        << "  responders_wanted   volunteers an alert asks for (default: 3)\n";
}

}  // namespace

core::Result<LoadedConfig> load_config(int argc, const char* const* argv, std::ostream& help_out) {
    po::options_description options;
    options.add_options()("help,h", "")("config,c", po::value<std::string>(), "");
    for (const Setting& s : settings()) options.add_options()(s.name().c_str(), po::value<std::string>(), "");
    for (const Alias& a : kAliases) options.add_options()(std::string(a.flag).c_str(), po::value<std::string>(), "");

    po::variables_map flags;
    try {
        // No guessing of abbreviated flags: "--serv" must be an error, not whichever option it happens to prefix.
        const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
        const po::parsed_options parsed =
            po::command_line_parser(argc, const_cast<char**>(argv)).options(options).style(style).run();
        // Without this a stray word ("yihu-server 9000") would be dropped silently.
        if (const auto extra = po::collect_unrecognized(parsed.options, po::include_positional); !extra.empty()) {
            return make_error(ErrorCode::kInvalidArgument,
                              "unexpected argument '" + extra.front() + "' (options start with --; see --help)");
        }
        po::store(parsed, flags);
    } catch (const po::error& e) {
        return make_error(ErrorCode::kInvalidArgument, std::string(e.what()) + " (see --help)");
    }

    LoadedConfig loaded;
    if (flags.count("help")) {
        const std::string program = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "yihu-server";
        print_help(help_out, program);
        loaded.exit_now = true;
        return loaded;
    }
    Config& config = loaded.config;
    if (flags.count("config")) {
        if (Status s = apply_config_file(config, flags["config"].as<std::string>()); !s) return s.error();
    }
    for (const Setting& s : settings()) {
        const std::string name = s.name();
        std::string flag = name;
        if (const std::string alias = alias_of(name); !alias.empty() && flags.count(alias)) {
            if (flags.count(name)) {
                return make_error(ErrorCode::kInvalidArgument, "--" + alias + " and --" + name +
                                                                   " are the same "
                                                                   "setting: give one");
            }
            flag = alias;
        }
        if (!flags.count(flag)) continue;
        if (Status st = s.set(config, flags[flag].as<std::string>()); !st) {
            return make_error(ErrorCode::kInvalidArgument, "--" + flag + ": " + st.error().message);
        }
    }
    if (Status s = validate(config); !s) return s.error();
    return loaded;
}

}  // namespace yihu::ops
