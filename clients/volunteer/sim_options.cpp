#include "volunteer/sim_options.h"

#include <boost/program_options.hpp>
#include <iostream>

#include "api/skill_catalog.h"
#include "ops/strict_flags.h"
#include "tools/flags.h"

namespace yihu::sim {

namespace {

namespace po = boost::program_options;
using core::ErrorCode;
using core::make_error;

constexpr int kMaxCount = 100'000;
constexpr int kMaxThreads = 64;
constexpr double kMaxRadiusM = 1'000'000;

po::options_description describe_options() {
    po::options_description o("Options");
    // clang-format off
    o.add_options()
        ("help,h", "print this help and exit")
        ("host", po::value<std::string>()->default_value("127.0.0.1"), "server host")
        ("port", po::value<int>()->default_value(8080), "server port")
        ("count", po::value<int>()->default_value(1), "how many volunteers, each with its own WebSocket")
        ("id-prefix", po::value<std::string>()->default_value("v"), "volunteer ids are PREFIX-1 .. PREFIX-N")
        ("first", po::value<int>()->default_value(1), "number of the first id (to run several simulators)")
        ("data-dir", po::value<std::string>(), "the server's data directory: tokens are signed with DIR/token-secret")
        ("secret", po::value<std::string>(), "the token secret itself (instead of --data-dir)")
        ("skills", po::value<std::string>(), "skills every volunteer has, e.g. swimmer,first_aid")
        ("skill-mix", po::value<std::string>(),
         "skills each volunteer has with a probability, e.g. water_rescue:0.1,swimmer:0.2 (seeded)")
        ("tier", po::value<std::string>()->default_value("public"), "public, registered or vetted")
        ("teams", po::value<std::string>(), "teams in every token, comma-separated")
        ("center", po::value<std::string>(), "LAT,LON: volunteers start uniformly in the disc around it "
         "(default 22.93,113.89, Songshan Lake)")
        ("radius-m", po::value<double>()->default_value(3000), "radius of that disc, metres")
        ("box", po::value<std::string>(), "LAT1,LON1,LAT2,LON2: start uniformly in this box instead")
        ("positions", po::value<std::string>(), "FILE of \"lat,lon\" lines: volunteer i starts at line i")
        ("walk-m-per-s", po::value<double>()->default_value(0), "random-walk speed (1.4 = walking); 0: stand still")
        ("position-interval", po::value<std::string>()->default_value("5s"), "position update period while walking")
        ("accept-probability", po::value<double>()->default_value(0.3),
         "chance to accept an alert that asks for an answer; otherwise decline")
        ("reaction", po::value<std::string>()->default_value("3s"),
         "answers come after a random delay of up to this (at least a sixth of it)")
        ("seed", po::value<std::uint64_t>()->default_value(1), "seed of positions, skills, answers and walks")
        ("json", "speak protobuf JSON in text frames instead of binary protobuf")
        ("duration", po::value<std::string>()->default_value("0"), "run this long (60s, 5m); 0: until Ctrl-C")
        ("threads", po::value<int>()->default_value(0), "threads driving the phones; 0: one per 50, at most 4")
        ("quiet,q", "no line per event, only errors and the summary");
    // clang-format on
    return o;
}

core::Status check_skill(std::string_view flag, const std::string& name) {
    api::SkillCatalog catalog;  // only to apply the server's rules for skill names
    if (auto bit = catalog.bit(name); !bit) {
        return make_error(ErrorCode::kInvalidArgument, "--" + std::string(flag) + ": " + bit.error().message);
    }
    return core::Status::Ok();
}

core::Status read_skills(const po::variables_map& vm, SimOptions& o) {
    if (vm.count("skills")) {
        auto skills = tools::split_list("skills", vm["skills"].as<std::string>());
        if (!skills) return skills.error();
        for (const auto& s : *skills) {
            if (auto st = check_skill("skills", s); !st) return st;
        }
        o.skills = std::move(*skills);
    }
    if (vm.count("skill-mix")) {
        auto items = tools::split_list("skill-mix", vm["skill-mix"].as<std::string>());
        if (!items) return items.error();
        for (const auto& item : *items) {
            const auto colon = item.find(':');
            if (colon == std::string::npos) {
                return make_error(ErrorCode::kInvalidArgument, "--skill-mix: expected SKILL:PROBABILITY, got " + item);
            }
            const std::string name = item.substr(0, colon);
            if (auto st = check_skill("skill-mix", name); !st) return st;
            auto p = tools::parse_number("skill-mix", item.substr(colon + 1), 0, 1);
            if (!p) return p.error();
            o.skill_mix.emplace_back(name, *p);
        }
    }
    return core::Status::Ok();
}

core::Status read_placement(const po::variables_map& vm, SimOptions& o) {
    const int given = static_cast<int>(vm.count("center") + vm.count("box") + vm.count("positions"));
    if (given > 1) return make_error(ErrorCode::kInvalidArgument, "give one of --center, --box and --positions");
    if (vm.count("box")) {
        auto corners = tools::split_list("box", vm["box"].as<std::string>());
        if (!corners) return corners.error();
        if (corners->size() != 4) return make_error(ErrorCode::kInvalidArgument, "--box: expected LAT1,LON1,LAT2,LON2");
        auto a = tools::parse_lat_lon("box", (*corners)[0] + "," + (*corners)[1]);
        if (!a) return a.error();
        auto b = tools::parse_lat_lon("box", (*corners)[2] + "," + (*corners)[3]);
        if (!b) return b.error();
        o.placement = make_box(*a, *b);
        o.placement_text = "in the box " + vm["box"].as<std::string>();
        return core::Status::Ok();
    }
    if (vm.count("positions")) {
        auto points = read_positions(vm["positions"].as<std::string>());
        if (!points) return points.error();
        o.placement.kind = Placement::Kind::kList;
        o.placement.points = std::move(*points);
        o.placement_text =
            "at " + std::to_string(o.placement.points.size()) + " points from " + vm["positions"].as<std::string>();
        return core::Status::Ok();
    }
    const std::string center = vm.count("center") ? vm["center"].as<std::string>() : "22.93,113.89";
    auto c = tools::parse_lat_lon("center", center);
    if (!c) return c.error();
    const double radius = vm["radius-m"].as<double>();
    if (!(radius >= 0 && radius <= kMaxRadiusM)) {
        return make_error(ErrorCode::kInvalidArgument, "--radius-m: 0..1000000");
    }
    o.placement.kind = Placement::Kind::kDisc;
    o.placement.center = *c;
    o.placement.radius_m = radius;
    o.placement_text = "within " + std::to_string(static_cast<long>(radius)) + " m of " + center;
    return core::Status::Ok();
}

}  // namespace

core::Result<std::optional<SimOptions>> parse_sim_options(int argc, char** argv) {
    const po::options_description desc = describe_options();
    po::variables_map vm;
    if (auto parsed = yihu::ops::parse_strict_flags(argc, argv, desc, vm); !parsed) return parsed.error();
    if (vm.count("help")) {
        std::cout << "Usage: yihu-volunteer [options]\n"
                  << "Simulates volunteers' phones: each holds a WebSocket to the server, acks every push, accepts or\n"
                  << "declines alerts, and optionally walks around. Prints one line per event and a summary.\n\n"
                  << "  yihu-volunteer --data-dir yihu-data --count 200 --center 22.93,113.89 --radius-m 3000 \\\n"
                  << "      --skill-mix water_rescue:0.1,swimmer:0.1 --accept-probability 0.35\n\n"
                  << desc;
        return std::optional<SimOptions>{};
    }
    SimOptions o;
    o.host = vm["host"].as<std::string>();
    const int port = vm["port"].as<int>();
    if (port < 1 || port > 65535) return make_error(ErrorCode::kInvalidArgument, "--port: 1..65535");
    o.port = static_cast<std::uint16_t>(port);
    o.count = vm["count"].as<int>();
    if (o.count < 1 || o.count > kMaxCount) return make_error(ErrorCode::kInvalidArgument, "--count: 1..100000");
    o.first = vm["first"].as<int>();
    if (o.first < 0) return make_error(ErrorCode::kInvalidArgument, "--first: must be >= 0");
    o.id_prefix = vm["id-prefix"].as<std::string>();
    if (vm.count("secret")) o.secret.secret = vm["secret"].as<std::string>();
    if (vm.count("data-dir")) o.secret.data_dir = vm["data-dir"].as<std::string>();
    if (auto st = read_skills(vm, o); !st) return st.error();
    auto tier = tools::parse_tier("tier", vm["tier"].as<std::string>());
    if (!tier) return tier.error();
    o.tier = *tier;
    if (vm.count("teams")) {
        auto teams = tools::split_list("teams", vm["teams"].as<std::string>());
        if (!teams) return teams.error();
        o.teams = std::move(*teams);
    }
    if (auto st = read_placement(vm, o); !st) return st.error();
    o.walk_m_per_s = vm["walk-m-per-s"].as<double>();
    if (!(o.walk_m_per_s >= 0 && o.walk_m_per_s <= 100)) {
        return make_error(ErrorCode::kInvalidArgument, "--walk-m-per-s: 0..100");
    }
    auto interval = tools::parse_duration_flag("position-interval", vm["position-interval"].as<std::string>());
    if (!interval) return interval.error();
    if (interval->count() < 100) return make_error(ErrorCode::kInvalidArgument, "--position-interval: at least 100ms");
    o.position_interval = *interval;
    o.accept_probability = vm["accept-probability"].as<double>();
    if (!(o.accept_probability >= 0 && o.accept_probability <= 1)) {
        return make_error(ErrorCode::kInvalidArgument, "--accept-probability: 0..1");
    }
    auto reaction = tools::parse_duration_flag("reaction", vm["reaction"].as<std::string>());
    if (!reaction) return reaction.error();
    o.reaction = *reaction;
    o.seed = vm["seed"].as<std::uint64_t>();
    o.json = vm.count("json") > 0;
    auto duration = tools::parse_duration_flag("duration", vm["duration"].as<std::string>());
    if (!duration) return duration.error();
    o.duration = *duration;
    o.threads = vm["threads"].as<int>();
    if (o.threads < 0 || o.threads > kMaxThreads) return make_error(ErrorCode::kInvalidArgument, "--threads: 0..64");
    o.quiet = vm.count("quiet") > 0;
    return std::optional<SimOptions>{std::move(o)};
}

}  // namespace yihu::sim
