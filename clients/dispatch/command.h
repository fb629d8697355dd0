#pragma once

#include <boost/program_options.hpp>
#include <span>
#include <stdexcept>
#include <string>

#include "dispatch/dispatch_api.h"

namespace yihu::dispatch {

// A bad flag value found while running a command (exit status 2, like a parse error).
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// What a subcommand gets: the API, its parsed flags, the alert id (for commands on one alert) and --json.
struct CommandContext {
    DispatchApi& api;
    const boost::program_options::variables_map& vm;
    std::string id;
    bool json = false;
};

// One subcommand: its flags and what it does. run() returns the exit status; it throws ApiFailure for an error
// reply, UsageError for a bad flag, std::runtime_error when the server cannot be reached.
struct CommandSpec {
    const char* name;
    const char* usage;  // what follows the name, e.g. "ID [--found] [--message TEXT]"
    const char* summary;
    bool needs_id;
    boost::program_options::options_description (*options)();
    int (*run)(CommandContext& context);
};

// The commands of each file, in the order `yihu-dispatch --help` lists them.
std::span<const CommandSpec> alert_commands();
std::span<const CommandSpec> query_commands();
std::span<const CommandSpec> feed_commands();

}  // namespace yihu::dispatch
