// yihu-dispatch: the dispatcher API from a terminal. One subcommand per operation; readable output by default and
// the API's JSON with --json.
//
//   yihu-dispatch --data-dir yihu-data create --kind drowning --lat 22.93 --lon 113.89 --title "Drowning" --wanted 3
//   yihu-dispatch --data-dir yihu-data follow
//   yihu-dispatch --data-dir yihu-data resolve dongguan-1 --found --message "Rescued"
//
// Exit status: 0; 1 for an error reply ("error 409 ALERT_CLOSED: ...") or an unreachable server; 2 for a usage error.

#include <boost/program_options.hpp>
#include <iostream>
#include <vector>

#include "dispatch/command.h"
#include "tools/token_source.h"

namespace {

namespace po = boost::program_options;
using yihu::dispatch::CommandSpec;

constexpr int kUsageError = 2;
constexpr int kFailure = 1;
constexpr std::chrono::seconds kTokenLifetime{3600};
constexpr const char* kSubject = "d-cli";

po::options_description common_options() {
    po::options_description o("Common options (before or after the command)");
    // clang-format off
    o.add_options()
        ("help,h", "print help (of the command, after one) and exit")
        ("host", po::value<std::string>()->default_value("127.0.0.1"), "server host")
        ("port", po::value<int>()->default_value(8080), "server port")
        ("token", po::value<std::string>(), "a dispatcher token (yihu-token --role dispatcher ...)")
        ("data-dir", po::value<std::string>(),
         "or: mint a token for \"d-cli\" with DIR/token-secret (default ./yihu-data)")
        ("secret", po::value<std::string>(), "or: mint it with this secret")
        ("json", "print the API's JSON instead of readable lines");
    // clang-format on
    return o;
}

std::vector<CommandSpec> all_commands() {
    std::vector<CommandSpec> all;
    for (auto group :
         {yihu::dispatch::alert_commands(), yihu::dispatch::query_commands(), yihu::dispatch::feed_commands()}) {
        all.insert(all.end(), group.begin(), group.end());
    }
    return all;
}

void print_usage(const std::vector<CommandSpec>& commands) {
    std::cout << "Usage: yihu-dispatch COMMAND [ID] [options]\n"
              << "The dispatcher API from a terminal. Errors print as \"error 409 ALERT_CLOSED: ...\" (exit 1).\n\n"
              << "Commands:\n";
    for (const CommandSpec& c : commands) {
        std::string name = c.name;
        name.resize(12, ' ');
        std::cout << "  " << name << c.summary << "\n";
    }
    std::cout << "\n'yihu-dispatch COMMAND --help' lists a command's options.\n\n" << common_options();
}

std::string find_token(const po::variables_map& vm) {
    if (vm.count("token")) {
        if (vm.count("data-dir") || vm.count("secret")) {
            throw yihu::dispatch::UsageError("give --token, or --data-dir/--secret to mint one, not both");
        }
        return vm["token"].as<std::string>();
    }
    yihu::tools::SecretFlags flags;
    if (vm.count("secret")) flags.secret = vm["secret"].as<std::string>();
    if (vm.count("data-dir")) flags.data_dir = vm["data-dir"].as<std::string>();
    auto secret = yihu::tools::load_secret(flags);
    if (!secret) {
        throw yihu::dispatch::UsageError("no token: " + secret.error().message +
                                         " (give --token, or --data-dir of the running server)");
    }
    yihu::api::Claims claims;
    claims.subject = kSubject;
    claims.role = yihu::api::Role::kDispatcher;
    return yihu::tools::mint_token(claims, *secret, kTokenLifetime);
}

int run(int argc, char** argv) {
    const std::vector<CommandSpec> commands = all_commands();
    // The command is the first word that is not an option (common options may come before it).
    int command_at = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("-", 0) == 0) {
            // Skip a common option's value given as the next word.
            if (arg == "--host" || arg == "--port" || arg == "--token" || arg == "--data-dir" || arg == "--secret") ++i;
            continue;
        }
        command_at = i;
        break;
    }
    const CommandSpec* spec = nullptr;
    for (const CommandSpec& c : commands) {
        if (command_at > 0 && argv[command_at] == std::string(c.name)) spec = &c;
    }
    if (!spec) {
        if (command_at == 0) {
            print_usage(commands);
            return argc > 1 ? 0 : kUsageError;
        }
        std::cerr << "yihu-dispatch: unknown command \"" << argv[command_at] << "\" (see --help)\n";
        return kUsageError;
    }

    po::options_description desc = common_options();
    desc.add(spec->options());
    po::options_description hidden;
    hidden.add_options()("id", po::value<std::string>(), "the alert");
    po::options_description everything;
    everything.add(desc).add(hidden);
    po::positional_options_description positional;
    if (spec->needs_id) positional.add("id", 1);
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        if (i != command_at) args.emplace_back(argv[i]);
    }
    po::variables_map vm;
    const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    po::store(po::command_line_parser(args).options(everything).positional(positional).style(style).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << "Usage: yihu-dispatch " << spec->name << " " << spec->usage << "\n"
                  << spec->summary << "\n\n"
                  << desc;
        return 0;
    }
    if (spec->needs_id && !vm.count("id")) throw yihu::dispatch::UsageError(std::string(spec->name) + " needs an ID");
    const int port = vm["port"].as<int>();
    if (port < 1 || port > 65535) throw yihu::dispatch::UsageError("--port: 1..65535");

    yihu::dispatch::DispatchApi api(vm["host"].as<std::string>(), static_cast<std::uint16_t>(port), find_token(vm));
    yihu::dispatch::CommandContext context{api, vm, vm.count("id") ? vm["id"].as<std::string>() : std::string{},
                                           vm.count("json") > 0};
    return spec->run(context);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const po::error& e) {
        std::cerr << "yihu-dispatch: " << e.what() << " (see --help)\n";
        return kUsageError;
    } catch (const yihu::dispatch::UsageError& e) {
        std::cerr << "yihu-dispatch: " << e.what() << " (see --help)\n";
        return kUsageError;
    } catch (const yihu::dispatch::ApiFailure& e) {
        std::cerr << e.what() << "\n";
        return kFailure;
    } catch (const std::exception& e) {
        const std::string what = e.what();
        std::cerr << (what.rfind("error", 0) == 0 ? what : "error: " + what) << "\n";
        return kFailure;
    }
}
