// yihu-token: mints a signed token (HS256 JWT) for a volunteer, dispatcher, device or peer node, with the secret the
// server uses. The server keeps no accounts: whoever runs the volunteer organisation hands these out.
//
//   yihu-token --role volunteer --subject v-1024 --skills water_rescue,first_aid --tier registered --ttl 30d
//
// Prints the token and a newline on stdout; any error goes to stderr with exit status 2.

#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "api/auth/token.h"
#include "api/skill_catalog.h"
#include "core/result.h"
#include "ops/secret_file.h"
#include "ops/strict_flags.h"
#include "ops/units.h"

namespace {

namespace po = boost::program_options;
using yihu::core::ErrorCode;
using yihu::core::make_error;
using yihu::core::Result;

constexpr int kUsageError = 2;

struct Request {
    yihu::api::Claims claims;  // without the times
    std::chrono::seconds ttl{0};
    yihu::ops::SecretLookup secret;
};

Result<std::vector<std::string>> split_list(const std::string& flag, const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::string item = text.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (item.empty()) return make_error(ErrorCode::kInvalidArgument, "--" + flag + " has an empty item");
        items.push_back(std::move(item));
        start = comma + 1;
    }
    return items;
}

bool parse_tier(const std::string& text, yihu::core::Tier& out) {
    using yihu::core::Tier;
    if (text == "public") {
        out = Tier::kPublic;
    } else if (text == "registered") {
        out = Tier::kRegistered;
    } else if (text == "vetted") {
        out = Tier::kVetted;
    } else {
        return false;
    }
    return true;
}

po::options_description options() {
    po::options_description o("Options");
    o.add_options()("help,h", "print this help and exit")("role", po::value<std::string>(),
                                                          "volunteer, dispatcher, device or peer (required)")(
        "subject", po::value<std::string>(), "the volunteer, dispatcher, device or node id (required)")(
        "skills", po::value<std::string>(), "comma-separated skill names, e.g. water_rescue,first_aid")(
        "tier", po::value<std::string>()->default_value("public"), "public, registered or vetted")(
        "teams", po::value<std::string>(), "comma-separated team names")(
        "ttl", po::value<std::string>()->default_value("12h"), "how long the token is valid: 30m, 12h, 30d")(
        "secret", po::value<std::string>(), "the HMAC secret itself (visible to other users in ps: prefer a file)")(
        "secret-file", po::value<std::string>(), "a file holding the secret")(
        "config", po::value<std::string>(), "the server's TOML file: its [auth] secret, else <data_dir>/token-secret")(
        "data-dir", po::value<std::string>(), "the server's data directory: reads DIR/token-secret");
    return o;
}

// The request the flags describe, or nothing if --help was printed.
Result<std::optional<Request>> parse_request(int argc, char** argv) {
    const po::options_description desc = options();
    po::variables_map vm;
    if (auto parsed = yihu::ops::parse_strict_flags(argc, argv, desc, vm); !parsed) return parsed.error();
    if (vm.count("help")) {
        std::cout << "Usage: yihu-token --role ROLE --subject ID [options]\n"
                  << "Prints a signed token. The secret comes from --secret, --secret-file, --config or --data-dir;\n"
                  << "by default from ./yihu-data/token-secret, which the server generates on first start.\n\n"
                  << desc;
        return std::optional<Request>{};
    }
    Request r;
    if (!vm.count("role") || !yihu::api::parse_role(vm["role"].as<std::string>(), r.claims.role)) {
        return make_error(ErrorCode::kInvalidArgument, "--role must be volunteer, dispatcher, device or peer");
    }
    if (!vm.count("subject") || vm["subject"].as<std::string>().empty()) {
        return make_error(ErrorCode::kInvalidArgument, "--subject is required");
    }
    r.claims.subject = vm["subject"].as<std::string>();
    if (!parse_tier(vm["tier"].as<std::string>(), r.claims.tier)) {
        return make_error(ErrorCode::kInvalidArgument, "--tier must be public, registered or vetted");
    }
    if (vm.count("skills")) {
        auto skills = split_list("skills", vm["skills"].as<std::string>());
        if (!skills) return skills.error();
        yihu::api::SkillCatalog catalog;  // only to apply the server's rules for skill names
        for (const std::string& skill : *skills) {
            if (auto bit = catalog.bit(skill); !bit)
                return make_error(ErrorCode::kInvalidArgument, "--skills: " + bit.error().message);
        }
        r.claims.skills = std::move(*skills);
    }
    if (vm.count("teams")) {
        auto teams = split_list("teams", vm["teams"].as<std::string>());
        if (!teams) return teams.error();
        r.claims.teams = std::move(*teams);
    }
    auto ttl = yihu::ops::parse_duration(vm["ttl"].as<std::string>());
    if (!ttl) return make_error(ErrorCode::kInvalidArgument, "--ttl: " + ttl.error().message);
    r.ttl = std::chrono::duration_cast<std::chrono::seconds>(*ttl);
    if (r.ttl.count() < 1) return make_error(ErrorCode::kInvalidArgument, "--ttl must be at least 1s");
    if (vm.count("secret")) r.secret.secret = vm["secret"].as<std::string>();
    if (vm.count("secret-file")) r.secret.secret_file = vm["secret-file"].as<std::string>();
    if (vm.count("config")) r.secret.config_file = vm["config"].as<std::string>();
    if (vm.count("data-dir")) r.secret.data_dir = vm["data-dir"].as<std::string>();
    return std::optional<Request>{std::move(r)};
}

}  // namespace

int main(int argc, char** argv) {
    auto request = parse_request(argc, argv);
    if (!request) {
        std::cerr << "yihu-token: " << request.error().message << " (see --help)\n";
        return kUsageError;
    }
    if (!*request) return 0;
    Request& r = **request;
    auto secret = yihu::ops::lookup_secret(r.secret);
    if (!secret) {
        std::cerr << "yihu-token: " << secret.error().message << "\n";
        return kUsageError;
    }
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    r.claims.issued_at = now.count();
    r.claims.expires_at = (now + r.ttl).count();
    std::cout << yihu::api::sign_token(r.claims, *secret) << "\n";
    return std::cout.flush() ? 0 : 1;
}
