// create, update, resolve, cancel: the commands that change alerts.

#include <google/protobuf/util/time_util.h>

#include <cctype>
#include <iostream>

#include "dispatch/alert_text.h"
#include "dispatch/command.h"
#include "tools/flags.h"
#include "tools/wire_text.h"

namespace yihu::dispatch {

namespace {

namespace po = boost::program_options;

template <class T>
T value_or_throw(core::Result<T> result) {
    if (!result) throw UsageError(result.error().message);
    return std::move(*result);
}

std::string alert_path(const std::string& id) {
    return "/v1/alerts/" + url_encode(id);
}

// "missing-person" -> ALERT_KIND_MISSING_PERSON.
v1::AlertKind parse_kind(const std::string& text) {
    std::string name = "ALERT_KIND_";
    for (const char c : text) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    v1::AlertKind kind;
    if (text.empty() || !v1::AlertKind_Parse(name, &kind) || kind == v1::ALERT_KIND_UNSPECIFIED) {
        throw UsageError("--kind: expected drowning, missing-person, missing-child, suspect, disaster or general");
    }
    return kind;
}

void check_lat_lon(double lat, double lon) {
    if (!(lat >= -90 && lat <= 90)) throw UsageError("--lat: -90..90");
    if (!(lon >= -180 && lon <= 180)) throw UsageError("--lon: -180..180");
}

double radius_flag(const po::variables_map& vm, const char* name) {
    const double r = vm[name].as<double>();
    if (!(r > 0)) throw UsageError(std::string("--") + name + ": must be > 0");
    return r;
}

void print_result(const CommandContext& c, const std::string& line, const v1::Alert& alert) {
    std::cout << line << "\n";
    if (c.json) std::cout << tools::pretty_json(alert) << "\n";
}

po::options_description create_options() {
    po::options_description o("create options");
    // clang-format off
    o.add_options()
        ("kind", po::value<std::string>(),
         "drowning, missing-person, missing-child, suspect, disaster or general (required)")
        ("lat", po::value<double>(), "latitude of the incident or last sighting (required)")
        ("lon", po::value<double>(), "longitude (required)")
        ("title", po::value<std::string>(), "headline (required)")
        ("description", po::value<std::string>(), "full description")
        ("instruction", po::value<std::string>(), "what volunteers should do")
        ("radius-m", po::value<double>(), "starting reach, metres; escalation may widen it (replaces the kind's rings)")
        ("area-radius-m", po::value<double>(), "a fixed circular area instead: nobody outside is ever alerted")
        ("wanted", po::value<unsigned>(), "responders wanted (drowning: 3 by default)")
        ("skills", po::value<std::string>(), "required skills, comma-separated")
        ("all-skills", "volunteers need every listed skill (default: any one)")
        ("tier", po::value<std::string>(), "lowest tier alerted: public, registered or vetted")
        ("team", po::value<std::string>(), "only members of this team")
        ("photo-url", po::value<std::string>(), "https link to a photo")
        ("expires-in", po::value<std::string>(), "lifetime, e.g. 2h (default: the kind's)")
        ("exercise", "mark as a drill")
        ("idempotency-key", po::value<std::string>(), "a retried create with the same key makes one alert")
        ("id-only", "print only the new alert's id");
    // clang-format on
    return o;
}

int run_create(CommandContext& c) {
    const po::variables_map& vm = c.vm;
    for (const char* required : {"kind", "lat", "lon", "title"}) {
        if (!vm.count(required)) throw UsageError(std::string("--") + required + " is required");
    }
    v1::CreateAlertRequest r;
    r.set_kind(parse_kind(vm["kind"].as<std::string>()));
    const double lat = vm["lat"].as<double>();
    const double lon = vm["lon"].as<double>();
    check_lat_lon(lat, lon);
    r.mutable_center()->set_latitude(lat);
    r.mutable_center()->set_longitude(lon);
    r.set_title(vm["title"].as<std::string>());
    if (vm.count("description")) r.set_description(vm["description"].as<std::string>());
    if (vm.count("instruction")) r.set_instruction(vm["instruction"].as<std::string>());
    if (vm.count("radius-m")) {
        auto* ring = r.mutable_policy()->add_rings();
        ring->set_radius_m(radius_flag(vm, "radius-m"));
        ring->mutable_after()->set_seconds(0);
    }
    if (vm.count("area-radius-m")) {
        auto* circle = r.mutable_area()->mutable_circle();
        *circle->mutable_center() = r.center();
        circle->set_radius_m(radius_flag(vm, "area-radius-m"));
    }
    if (vm.count("wanted")) r.set_responders_wanted(vm["wanted"].as<unsigned>());
    if (vm.count("skills")) {
        for (auto& skill : value_or_throw(tools::split_list("skills", vm["skills"].as<std::string>()))) {
            r.add_required_skills(std::move(skill));
        }
    }
    r.set_skill_match(vm.count("all-skills") ? v1::SKILL_MATCH_ALL : v1::SKILL_MATCH_ANY);
    if (vm.count("tier")) {
        const core::Tier tier = value_or_throw(tools::parse_tier("tier", vm["tier"].as<std::string>()));
        r.set_min_tier(tier == core::Tier::kVetted       ? v1::TIER_VETTED
                       : tier == core::Tier::kRegistered ? v1::TIER_REGISTERED
                                                         : v1::TIER_PUBLIC);
    }
    if (vm.count("team")) r.add_teams(vm["team"].as<std::string>());
    if (vm.count("photo-url")) r.set_photo_url(vm["photo-url"].as<std::string>());
    if (vm.count("expires-in")) {
        const auto lifetime =
            value_or_throw(tools::parse_duration_flag("expires-in", vm["expires-in"].as<std::string>()));
        *r.mutable_expires_in() = google::protobuf::util::TimeUtil::MillisecondsToDuration(lifetime.count());
    }
    r.set_exercise(vm.count("exercise") > 0);
    if (vm.count("idempotency-key")) r.set_idempotency_key(vm["idempotency-key"].as<std::string>());

    v1::Alert alert;
    c.api.call("POST", "/v1/alerts", &r, &alert);
    if (vm.count("id-only")) {
        std::cout << alert.id() << "\n";
        return 0;
    }
    // The id alone on the first line, so scripts can take it with `head -1`.
    std::cout << alert.id() << "\n"
              << "created " << alert_summary(alert) << "\n"
              << tools::pretty_json(alert) << "\n";
    return 0;
}

po::options_description update_options() {
    po::options_description o("update options");
    // clang-format off
    o.add_options()
        ("lat", po::value<double>(), "new center latitude")
        ("lon", po::value<double>(), "new center longitude")
        ("radius-m", po::value<double>(),
         "a fixed circular area of this radius around the (new) center; the server cannot change rings after create")
        ("title", po::value<std::string>(), "new headline")
        ("description", po::value<std::string>(), "new description")
        ("instruction", po::value<std::string>(), "new instruction")
        ("photo-url", po::value<std::string>(), "new photo link (\"\" removes it)")
        ("wanted", po::value<unsigned>(), "new number of responders wanted")
        ("expected-version", po::value<std::uint64_t>(), "fail with CONFLICT unless the alert is at this version");
    // clang-format on
    return o;
}

int run_update(CommandContext& c) {
    const po::variables_map& vm = c.vm;
    v1::UpdateAlertRequest r;
    r.set_alert_id(c.id);
    const bool moves = vm.count("lat") || vm.count("lon");
    if (moves || vm.count("radius-m")) {
        // A center is set whole: take the coordinate not given (and the area's center) from the alert as it is.
        v1::AlertDetail current;
        c.api.call("GET", alert_path(c.id), nullptr, &current);
        v1::LatLng center = current.alert().center();
        if (vm.count("lat")) center.set_latitude(vm["lat"].as<double>());
        if (vm.count("lon")) center.set_longitude(vm["lon"].as<double>());
        check_lat_lon(center.latitude(), center.longitude());
        if (moves) *r.mutable_center() = center;
        if (vm.count("radius-m")) {
            auto* circle = r.mutable_area()->mutable_circle();
            *circle->mutable_center() = center;
            circle->set_radius_m(radius_flag(vm, "radius-m"));
        }
    }
    if (vm.count("title")) r.set_title(vm["title"].as<std::string>());
    if (vm.count("description")) r.set_description(vm["description"].as<std::string>());
    if (vm.count("instruction")) r.set_instruction(vm["instruction"].as<std::string>());
    if (vm.count("photo-url")) r.set_photo_url(vm["photo-url"].as<std::string>());
    if (vm.count("wanted")) r.set_responders_wanted(vm["wanted"].as<unsigned>());
    if (vm.count("expected-version")) r.set_expected_version(vm["expected-version"].as<std::uint64_t>());
    v1::Alert alert;
    c.api.call("PATCH", alert_path(c.id), &r, &alert);
    print_result(c, "updated " + alert_summary(alert), alert);
    return 0;
}

po::options_description resolve_options() {
    po::options_description o("resolve options");
    o.add_options()("found", "the person was found (RESOLVED_FOUND); otherwise RESOLVED")(
        "message", po::value<std::string>(), "sent to everyone who got the alert, e.g. \"Found safe. Thank you all.\"");
    return o;
}

int run_resolve(CommandContext& c) {
    v1::ResolveAlertRequest r;
    r.set_alert_id(c.id);
    r.set_found(c.vm.count("found") > 0);
    if (c.vm.count("message")) r.set_message(c.vm["message"].as<std::string>());
    v1::Alert alert;
    c.api.call("POST", alert_path(c.id) + ":resolve", &r, &alert);
    print_result(c, "resolved " + alert_summary(alert), alert);
    return 0;
}

po::options_description cancel_options() {
    po::options_description o("cancel options");
    o.add_options()("reason", po::value<std::string>(), "shown to volunteers, e.g. \"False alarm\"");
    return o;
}

int run_cancel(CommandContext& c) {
    v1::CancelAlertRequest r;
    r.set_alert_id(c.id);
    if (c.vm.count("reason")) r.set_reason(c.vm["reason"].as<std::string>());
    v1::Alert alert;
    c.api.call("POST", alert_path(c.id) + ":cancel", &r, &alert);
    print_result(c, "cancelled " + alert_summary(alert), alert);
    return 0;
}

constexpr CommandSpec kCommands[] = {
    {"create", "--kind K --lat LAT --lon LON --title T [options]", "raise an alert; prints its id and JSON", false,
     create_options, run_create},
    {"update", "ID [--lat --lon --radius-m --title --description ...]", "change an open alert", true, update_options,
     run_update},
    {"resolve", "ID [--found] [--message TEXT]", "close an alert as handled", true, resolve_options, run_resolve},
    {"cancel", "ID [--reason TEXT]", "withdraw an alert (false alarm)", true, cancel_options, run_cancel},
};

}  // namespace

std::span<const CommandSpec> alert_commands() {
    return kCommands;
}

}  // namespace yihu::dispatch
