// follow, watch: the dispatchers' live feed (WebSocket /v1/feed), one line per event.

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <random>
#include <thread>

#include "api/codec/json_codec.h"
#include "common/ws_client.h"
#include "dispatch/alert_text.h"
#include "dispatch/command.h"
#include "tools/console.h"
#include "tools/flags.h"
#include "tools/stop_signal.h"

namespace yihu::dispatch {

namespace {

namespace po = boost::program_options;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kPoll = 200ms;  // how soon Ctrl-C and --duration are noticed
constexpr std::chrono::milliseconds kFirstBackoff = 500ms;
constexpr std::chrono::milliseconds kMaxBackoff = 15s;

struct FeedRequest {
    std::vector<std::string> alert_ids;  // empty: every alert
    bool positions = true;
    std::chrono::milliseconds duration{0};  // 0: until Ctrl-C
    bool until_closed = false;              // watch: stop when the alert leaves ACTIVE
};

std::string feed_target(const FeedRequest& f) {
    std::string target = std::string("/v1/feed?responderPositions=") + (f.positions ? "true" : "false");
    if (!f.alert_ids.empty()) {
        std::string ids;
        for (const auto& id : f.alert_ids) ids += (ids.empty() ? "" : ",") + id;
        target += "&alertIds=" + url_encode(ids);
    }
    return target;
}

// Sleeps up to `d`, waking early for Ctrl-C or the deadline.
void nap(std::chrono::milliseconds d, Clock::time_point deadline) {
    const auto until = std::min(Clock::now() + d, deadline);
    while (Clock::now() < until && !tools::stop_requested()) std::this_thread::sleep_for(std::min(kPoll, d));
}

std::unique_ptr<client::WsClient> open_feed(const CommandContext& c, const FeedRequest& f) {
    try {
        return client::WsClient::connect(c.api.host(), c.api.port(), feed_target(f), 5s,
                                         {{"Authorization", "Bearer " + c.api.token()}});
    } catch (const client::WsUpgradeRefused& e) {
        throw ApiFailure(e.status(), e.body());
    }
}

// Prints events until Ctrl-C, the duration, or (watch) the alert's close; reconnects after the first connection
// with backoff (events in between are lost: the feed is best effort, as the API says).
// The feed says only "-> ACTIVE" when an alert is created; a dispatcher wants to know what it is about.
std::string describe(const CommandContext& c, const v1::LiveFeedEvent& event) {
    if (event.has_state_change() && event.state_change().from() == v1::ALERT_STATE_UNSPECIFIED &&
        event.state_change().to() == v1::ALERT_STATE_ACTIVE) {
        try {
            v1::AlertDetail detail;
            c.api.call("GET", "/v1/alerts/" + url_encode(event.alert_id()), nullptr, &detail);
            return feed_created_line(event, detail.alert());
        } catch (const std::exception&) {
            // The plain line below still says that it happened.
        }
    }
    return feed_line(event);
}

// `first_connected` runs once the feed is open; false ends the command there.
int run_feed(const CommandContext& c, const FeedRequest& f, const std::function<bool()>& first_connected) {
    tools::install_stop_handlers();
    const auto deadline = f.duration.count() > 0 ? Clock::now() + f.duration : Clock::time_point::max();
    std::mt19937_64 rng(std::random_device{}());
    std::chrono::milliseconds backoff{0};
    // The first connection's failure is the caller's error (wrong port, bad token): report it and stop.
    std::unique_ptr<client::WsClient> ws = open_feed(c, f);
    if (!first_connected()) {
        ws->close(1000, 1s);
        return 0;
    }
    while (!tools::stop_requested() && Clock::now() < deadline) {
        if (!ws) {
            try {
                ws = open_feed(c, f);
                tools::print_error("feed: reconnected (events in between were missed)");
                backoff = 0ms;
            } catch (const ApiFailure& e) {
                if (e.status() < 500) throw;  // a token or route problem will not go away
            } catch (const std::exception&) {
            }
            if (!ws) {
                backoff = backoff == 0ms ? kFirstBackoff : std::min(backoff * 2, kMaxBackoff);
                nap(std::chrono::milliseconds(
                        std::uniform_int_distribution<std::int64_t>(backoff.count() / 2, backoff.count())(rng)),
                    deadline);
                continue;
            }
        }
        auto received = ws->receive(kPoll);
        if (!received) {
            if (ws->closed()) {
                tools::print_error("feed: closed by the server (" + std::to_string(ws->close_code()) + " " +
                                   ws->close_reason() + "); reconnecting");
                ws.reset();
            }
            continue;
        }
        v1::LiveFeedEvent event;
        if (received->binary || !api::parse_json(received->data, event, true).ok() ||
            event.event_case() == v1::LiveFeedEvent::EVENT_NOT_SET) {
            tools::print_error("feed: " + received->data.substr(0, 500));  // e.g. an ErrorBody
            continue;
        }
        tools::print_line(c.json ? api::to_json(event) : describe(c, event));
        if (f.until_closed && event.has_state_change() && event.state_change().to() != v1::ALERT_STATE_ACTIVE) {
            break;
        }
    }
    if (ws) ws->close(1000, 1s);
    return 0;
}

po::options_description follow_options() {
    po::options_description o("follow options");
    // clang-format off
    o.add_options()
        ("alert", po::value<std::vector<std::string>>(), "only these alerts (repeat or comma-separate)")
        ("no-positions", "leave out accepted responders' positions")
        ("duration", po::value<std::string>()->default_value("0"), "stop after this long (30s, 5m); 0: until Ctrl-C");
    // clang-format on
    return o;
}

FeedRequest read_feed_flags(const CommandContext& c) {
    FeedRequest f;
    f.positions = c.vm.count("no-positions") == 0;
    auto duration = tools::parse_duration_flag("duration", c.vm["duration"].as<std::string>());
    if (!duration) throw UsageError(duration.error().message);
    f.duration = *duration;
    return f;
}

int run_follow(CommandContext& c) {
    FeedRequest f = read_feed_flags(c);
    if (c.vm.count("alert")) {
        for (const auto& text : c.vm["alert"].as<std::vector<std::string>>()) {
            auto ids = tools::split_list("alert", text);
            if (!ids) throw UsageError(ids.error().message);
            f.alert_ids.insert(f.alert_ids.end(), ids->begin(), ids->end());
        }
    }
    return run_feed(c, f, [&] {
        tools::print_line("following " + (f.alert_ids.empty() ? std::string("every alert") : feed_target(f)) + " at " +
                          c.api.host() + ":" + std::to_string(c.api.port()) +
                          (f.duration.count() > 0 ? "" : " (Ctrl-C to stop)"));
        return true;
    });
}

po::options_description watch_options() {
    po::options_description o("watch options");
    o.add_options()("no-positions", "leave out accepted responders' positions")(
        "duration", po::value<std::string>()->default_value("0"),
        "stop after this long; 0: until the alert closes or Ctrl-C");
    return o;
}

int run_watch(CommandContext& c) {
    FeedRequest f = read_feed_flags(c);
    f.alert_ids = {c.id};
    f.until_closed = true;
    // Subscribed first, then the alert is read: nothing that happens in between is missed.
    return run_feed(c, f, [&] {
        v1::AlertDetail detail;
        c.api.call("GET", "/v1/alerts/" + url_encode(c.id), nullptr, &detail);
        const bool open = detail.alert().state() == v1::ALERT_STATE_ACTIVE;
        tools::print_line("watching " + alert_line(detail) + (open ? "" : " (closed: nothing more will happen)"));
        return open;
    });
}

constexpr CommandSpec kCommands[] = {
    {"follow", "[--alert ID] [--duration 60s]", "print live feed events, one line each, until Ctrl-C", false,
     follow_options, run_follow},
    {"watch", "ID", "follow one alert until it closes", true, watch_options, run_watch},
};

}  // namespace

std::span<const CommandSpec> feed_commands() {
    return kCommands;
}

}  // namespace yihu::dispatch
