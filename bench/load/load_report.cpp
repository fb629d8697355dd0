#include "load_report.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace yihu::bench::load {

namespace json = boost::json;

namespace {

struct Target {
    std::string name;
    double value = 0;
    double limit = 0;
    bool at_most = true;  // value <= limit (else value >= limit)
    std::string defined_at;
    bool applies = true;  // this run is at the conditions the target is defined for
    bool met() const { return at_most ? value <= limit : value >= limit; }
};

std::vector<double> per_recipient(const FanoutFigures& f) {
    std::vector<double> v;
    for (const FanoutRound& r : f.rounds) v.push_back(r.per_recipient_us);
    return v;
}

double median_per_recipient(const std::optional<FanoutFigures>& f) {
    return f ? percentile(per_recipient(*f), 0.5) : 0;
}

std::vector<double> cpu_per_recipient(const FanoutFigures& f) {
    std::vector<double> v;
    for (const FanoutRound& r : f.rounds) v.push_back(r.cpu_per_recipient_us);
    return v;
}

std::vector<double> hub_cpu_per_recipient(const FanoutFigures& f) {
    std::vector<double> v;
    for (const FanoutRound& r : f.rounds) v.push_back(r.hub_cpu_per_recipient_us);
    return v;
}

double median_cpu_per_recipient(const std::optional<FanoutFigures>& f) {
    return f ? percentile(cpu_per_recipient(*f), 0.5) : 0;
}

double ratio(double a, double b) {
    return b > 0 ? a / b : 0;
}

const PositionStep* busiest_step(const std::vector<PositionStep>& steps) {
    const PositionStep* best = nullptr;
    for (const PositionStep& s : steps) {
        if (!best || s.applied_per_s > best->applied_per_s) best = &s;
    }
    return best;
}

std::vector<Target> targets(const LoadOptions& o, const LoadResults& r) {
    std::vector<Target> t;
    const double yihu = median_per_recipient(r.yihu_fanout);
    const bool fanout_size = o.phones == 1000 || o.phones == 5000 || o.phones == 15000;
    if (r.yihu_fanout && r.raw_fanout) {
        t.push_back({"fan-out per recipient, yihu / raw loopback", ratio(yihu, median_per_recipient(r.raw_fanout)), 1.5,
                     true, "1,000 / 5,000 / 15,000 phones", fanout_size});
    }
    if (r.yihu_fanout && r.node_fanout) {
        t.push_back({"fan-out per recipient, yihu / Node.js ws", ratio(yihu, median_per_recipient(r.node_fanout)), 0.67,
                     true, "1,000 / 5,000 / 15,000 phones", fanout_size});
    }
    if (r.yihu_connect) {
        t.push_back({"server memory per idle connection, KiB", r.yihu_connect->kib_per_connection, 6, true,
                     "15,000 connections", o.phones == 15000});
    }
    if (r.yihu_fanout && r.yihu_fanout->rss_before_kib > 0) {
        t.push_back({"RSS after the closed city-wide alerts / before",
                     ratio(static_cast<double>(r.yihu_fanout->rss_after_kib),
                           static_cast<double>(r.yihu_fanout->rss_before_kib)),
                     1.1, true, "10 alerts, 15,000 phones", o.fanout_alerts == 10 && o.phones == 15000});
    }
    if (r.drowning && !r.drowning->first_push_us.empty()) {
        t.push_back({"drowning POST -> first push p50, us", percentile(r.drowning->first_push_us, 0.5), 1000, true,
                     "1,000 phones, idle, SQLite with fsync", o.phones == 1000});
        t.push_back({"drowning POST -> first push p99, us", percentile(r.drowning->first_push_us, 0.99), 3000, true,
                     "1,000 phones, idle, SQLite with fsync", o.phones == 1000});
    }
    if (const PositionStep* s = busiest_step(r.positions)) {
        t.push_back({"server CPU per position update (busiest step), us", s->server_cpu_us_per_update, 3, true,
                     "through a live WebSocket", true});
        t.push_back(
            {"position updates applied per second (best step)", s->applied_per_s, 100'000, false, "one node", true});
    }
    return t;
}

json::object connect_json(const ConnectFigures& c) {
    return {{"ok", c.ok},
            {"failed", c.failed},
            {"seconds", c.seconds},
            {"connections_per_s", c.per_second},
            {"rss_before_kib", c.rss_before_kib},
            {"rss_after_kib", c.rss_after_kib},
            {"kib_per_connection", c.kib_per_connection}};
}

json::object fanout_json(const FanoutFigures& f) {
    json::array rounds;
    for (const FanoutRound& r : f.rounds) {
        rounds.push_back(json::object{{"first_us", r.first_us},
                                      {"last_us", r.last_us},
                                      {"reply_us", r.reply_us},
                                      {"received", r.received},
                                      {"dups", r.dups},
                                      {"closed", r.closed},
                                      {"settled", r.settled},
                                      {"payload_bytes", r.payload_bytes},
                                      {"per_recipient_us", r.per_recipient_us},
                                      {"cpu_per_recipient_us", r.cpu_per_recipient_us},
                                      {"hub_cpu_per_recipient_us", r.hub_cpu_per_recipient_us}});
    }
    const auto v = per_recipient(f);
    return {{"rounds", rounds},
            {"per_recipient_us_p50", percentile(v, 0.5)},
            {"per_recipient_us_min", v.empty() ? 0 : *std::min_element(v.begin(), v.end())},
            {"per_recipient_us_max", v.empty() ? 0 : *std::max_element(v.begin(), v.end())},
            {"cpu_per_recipient_us_p50", percentile(cpu_per_recipient(f), 0.5)},
            {"hub_cpu_per_recipient_us_p50", percentile(hub_cpu_per_recipient(f), 0.5)},
            {"rss_before_kib", f.rss_before_kib},
            {"rss_after_kib", f.rss_after_kib}};
}

json::object latency_json(const LatencyFigures& l) {
    return {{"alerts", l.first_push_us.size() + static_cast<std::size_t>(l.missed)},
            {"missed", l.missed},
            {"first_push_us_p50", percentile(l.first_push_us, 0.5)},
            {"first_push_us_p99", percentile(l.first_push_us, 0.99)},
            {"first_push_us_max", percentile(l.first_push_us, 1.0)},
            {"reply_us_p50", percentile(l.reply_us, 0.5)},
            {"reply_us_p99", percentile(l.reply_us, 0.99)},
            {"positions_target_per_s", l.positions_target_per_s},
            {"positions_sent_per_s", l.positions_sent_per_s}};
}

json::value report_json(const LoadOptions& o, const LoadResults& r) {
    json::object conditions{{"command", o.command},
                            {"server_command", r.server_command},
                            {"cluster_nodes", o.cluster_nodes},
                            {"phones", o.phones},
                            {"workers", o.workers},
                            {"client_cpus", json::value_from(o.client_cpus)},
                            {"server_cpu", o.server_cpu},
                            {"online_cpus", r.online_cpus},
                            {"cpu_model", r.cpu_model},
                            {"kernel", r.kernel},
                            {"node_version", r.node_version},
                            {"node_skipped", r.node_skipped},
                            {"open_files_limit", r.open_files_limit},
                            {"loadavg_start", r.loadavg_start},
                            {"loadavg_end", r.loadavg_end},
                            {"fanout_payload_bytes", r.fanout_payload_bytes},
                            {"server_idle_cores", r.server_idle_cores}};
    json::object connect, fanout;
    if (r.yihu_connect) connect["yihu"] = connect_json(*r.yihu_connect);
    if (r.node_connect) connect["node"] = connect_json(*r.node_connect);
    if (r.raw_connect) connect["raw"] = connect_json(*r.raw_connect);
    if (r.yihu_fanout) fanout["yihu"] = fanout_json(*r.yihu_fanout);
    if (r.node_fanout) fanout["node"] = fanout_json(*r.node_fanout);
    if (r.raw_fanout) fanout["raw"] = fanout_json(*r.raw_fanout);
    const double yihu = median_per_recipient(r.yihu_fanout);
    json::object ratios{{"fanout_yihu_over_raw", ratio(yihu, median_per_recipient(r.raw_fanout))},
                        {"fanout_yihu_over_node", ratio(yihu, median_per_recipient(r.node_fanout))},
                        {"fanout_cpu_yihu_over_raw",
                         ratio(median_cpu_per_recipient(r.yihu_fanout), median_cpu_per_recipient(r.raw_fanout))},
                        {"fanout_cpu_yihu_over_node",
                         ratio(median_cpu_per_recipient(r.yihu_fanout), median_cpu_per_recipient(r.node_fanout))}};
    json::array positions;
    for (const PositionStep& s : r.positions) {
        positions.push_back(json::object{{"target_per_s", s.target_per_s},
                                         {"sent_per_s", s.sent_per_s},
                                         {"applied_per_s", s.applied_per_s},
                                         {"server_cpu_us_per_update", s.server_cpu_us_per_update},
                                         {"server_cores", s.server_cores},
                                         {"client_kept_up", s.kept_up()},
                                         {"client_cores", s.client_cores}});
    }
    json::array target_list;
    for (const Target& t : targets(o, r)) {
        target_list.push_back(json::object{{"name", t.name},
                                           {"value", t.value},
                                           {"limit", t.limit},
                                           {"at_most", t.at_most},
                                           {"met", t.met()},
                                           {"defined_at", t.defined_at},
                                           {"applies_to_this_run", t.applies}});
    }
    json::object fleet{{"open", r.yihu_fleet.open},
                       {"closed_by_server", r.yihu_fleet.closed_by_peer},
                       {"errors", r.yihu_fleet.errors},
                       {"pushes", r.yihu_fleet.pushes},
                       {"acks", r.yihu_fleet.acks}};
    json::object out{{"conditions", conditions}, {"connect", connect},     {"fanout", fanout},    {"ratios", ratios},
                     {"positions", positions},   {"targets", target_list}, {"yihu_phones", fleet}};
    out["drowning"] = r.drowning ? json::value(latency_json(*r.drowning)) : json::value(nullptr);
    out["mixed"] = r.mixed ? json::value(latency_json(*r.mixed)) : json::value(nullptr);
    return out;
}

void print_connect(const char* who, const std::optional<ConnectFigures>& c) {
    if (!c) return;
    std::printf("%-6s  %7lld ok %5lld failed  %9.0f conn/s  RSS %8lld -> %8lld KiB  %6.2f KiB/conn\n", who,
                static_cast<long long>(c->ok), static_cast<long long>(c->failed), c->per_second,
                static_cast<long long>(c->rss_before_kib), static_cast<long long>(c->rss_after_kib),
                c->kib_per_connection);
}

void print_fanout(const char* who, const std::optional<FanoutFigures>& f) {
    if (!f || f->rounds.empty()) return;
    std::vector<double> first, last, reply;
    for (const FanoutRound& r : f->rounds) {
        first.push_back(r.first_us);
        last.push_back(r.last_us);
        reply.push_back(r.reply_us);
    }
    const auto v = per_recipient(*f);
    std::printf(
        "%-6s  first p50 %9.0f us  last p50 %9.0f us  reply p50 %9.0f us  per recipient p50 %6.2f us "
        "(%.2f-%.2f), sender CPU %6.2f us\n",
        who, percentile(first, 0.5), percentile(last, 0.5), percentile(reply, 0.5), percentile(v, 0.5),
        *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()),
        percentile(cpu_per_recipient(*f), 0.5));
    if (const auto hub = hub_cpu_per_recipient(*f); percentile(hub, 0.5) > 0) {
        std::printf("%-6s  of which the hub thread %6.2f us per recipient (%.2f-%.2f)\n", who, percentile(hub, 0.5),
                    *std::min_element(hub.begin(), hub.end()), *std::max_element(hub.begin(), hub.end()));
    }
}

void print_latency(const char* what, const std::optional<LatencyFigures>& l) {
    if (!l) return;
    std::printf("%-30s  p50 %8.0f us  p99 %8.0f us  max %8.0f us  (201 p50 %6.0f us)  %zu alerts, %d missed", what,
                percentile(l->first_push_us, 0.5), percentile(l->first_push_us, 0.99),
                percentile(l->first_push_us, 1.0), percentile(l->reply_us, 0.5), l->first_push_us.size(), l->missed);
    if (l->positions_target_per_s > 0) std::printf(", positions %.0f/s sent", l->positions_sent_per_s);
    std::printf("\n");
}

}  // namespace

double percentile(std::vector<double> samples, double q) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples.size())));
    return samples[std::min(rank == 0 ? 0 : rank - 1, samples.size() - 1)];
}

void print_report(const LoadOptions& o, const LoadResults& r) {
    std::printf("\n== connect %zu phones ==\n", o.phones);
    print_connect("yihu", r.yihu_connect);
    print_connect("node", r.node_connect);
    print_connect("raw", r.raw_connect);
    if (r.yihu_fanout) {
        std::printf(
            "\n== fan-out to %zu phones, %zu rounds (time from the request or the first write; %.0f-byte "
            "messages for node and raw) ==\n",
            o.phones, r.yihu_fanout->rounds.size(), r.fanout_payload_bytes);
        print_fanout("yihu", r.yihu_fanout);
        print_fanout("node", r.node_fanout);
        print_fanout("raw", r.raw_fanout);
        std::printf("yihu RSS before the city-wide alerts %lld KiB, after they were closed %lld KiB\n",
                    static_cast<long long>(r.yihu_fanout->rss_before_kib),
                    static_cast<long long>(r.yihu_fanout->rss_after_kib));
        const double yihu = median_per_recipient(r.yihu_fanout);
        const double yihu_cpu = median_cpu_per_recipient(r.yihu_fanout);
        std::printf("ratios of the sender's CPU per recipient: yihu / raw %.2f, yihu / node %.2f\n",
                    ratio(yihu_cpu, median_cpu_per_recipient(r.raw_fanout)),
                    ratio(yihu_cpu, median_cpu_per_recipient(r.node_fanout)));
        std::printf("ratios per recipient: yihu / raw %.2f", ratio(yihu, median_per_recipient(r.raw_fanout)));
        if (r.node_fanout) {
            std::printf(", yihu / node %.2f\n", ratio(yihu, median_per_recipient(r.node_fanout)));
        } else {
            std::printf(", yihu / node NOT MEASURED (%s)\n", r.node_skipped.c_str());
        }
    }
    if (r.drowning || r.mixed) std::printf("\n== drowning alerts: POST -> first push ==\n");
    print_latency("idle node", r.drowning);
    if (r.mixed) {
        print_latency(
            ("under " + std::to_string(static_cast<long long>(r.mixed->positions_target_per_s)) + " positions/s")
                .c_str(),
            r.mixed);
    }
    if (!r.positions.empty()) {
        std::printf(
            "\n== positions (%zu phones; the server idles at %.3f cores, included below) ==\n%12s %12s "
            "%12s %16s %12s %12s\n",
            o.phones, r.server_idle_cores, "target/s", "sent/s", "applied/s", "server_us/update", "server_cores",
            "client_cores");
        for (const PositionStep& s : r.positions) {
            std::printf("%12.0f %12.0f %12.0f %16.2f %12.2f %12.2f%s\n", s.target_per_s, s.sent_per_s, s.applied_per_s,
                        s.server_cpu_us_per_update, s.server_cores, s.client_cores,
                        s.kept_up() ? "" : "  client short of the target: the phones (or the machine) were the limit");
        }
    }
    std::printf("\nyihu phones: %lld open, %lld closed by the server, %lld errors, %lld pushes, %lld acks\n",
                static_cast<long long>(r.yihu_fleet.open), static_cast<long long>(r.yihu_fleet.closed_by_peer),
                static_cast<long long>(r.yihu_fleet.errors), static_cast<long long>(r.yihu_fleet.pushes),
                static_cast<long long>(r.yihu_fleet.acks));
    std::printf("\n== targets (issue 11) ==\n");
    for (const Target& t : targets(o, r)) {
        std::printf("%-52s %12.2f  %s %10.2f  %-7s%s\n", t.name.c_str(), t.value, t.at_most ? "<=" : ">=", t.limit,
                    t.met() ? "met" : "MISSED", t.applies ? "" : ("  (defined at " + t.defined_at + ")").c_str());
    }
    std::printf("load average: %s at the start, %s at the end\n", r.loadavg_start.c_str(), r.loadavg_end.c_str());
}

bool write_json_report(const std::string& path, const LoadOptions& o, const LoadResults& r) {
    std::ofstream out(path);
    out << json::serialize(report_json(o, r)) << "\n";
    return static_cast<bool>(out);
}

std::vector<std::string> check_results(const LoadOptions& o, const LoadResults& r, const std::string& json_path) {
    std::vector<std::string> failures;
    const auto n = static_cast<std::int64_t>(o.phones);
    auto check_connect = [&](const char* who, const std::optional<ConnectFigures>& c) {
        if (!c) return;
        if (c->ok != n || c->failed != 0) {
            failures.push_back(std::string(who) + ": " + std::to_string(c->ok) + " of " + std::to_string(n) +
                               " phones connected, " + std::to_string(c->failed) + " failed");
        }
    };
    auto check_fanout = [&](const char* who, const std::optional<FanoutFigures>& f, bool closes) {
        if (!f) {
            failures.push_back(std::string(who) + ": no fan-out measured");
            return;
        }
        for (std::size_t i = 0; i < f->rounds.size(); ++i) {
            const FanoutRound& round = f->rounds[i];
            const std::string at = std::string(who) + " round " + std::to_string(i + 1) + ": ";
            if (round.received != n)
                failures.push_back(at + std::to_string(round.received) + " phones of " + std::to_string(n) +
                                   " got the message");
            if (round.dups != 0) failures.push_back(at + std::to_string(round.dups) + " duplicate deliveries");
            if (closes && round.closed != n) failures.push_back(at + std::to_string(round.closed) + " close notices");
            if (!round.settled) failures.push_back(at + "pushes still unacknowledged before the next round");
            if (!(round.per_recipient_us > 0)) failures.push_back(at + "no per-recipient time");
        }
        if (static_cast<int>(f->rounds.size()) != o.fanout_alerts) failures.push_back(std::string(who) + ": rounds");
    };
    check_connect("yihu", r.yihu_connect);
    if (!r.yihu_connect) failures.push_back("yihu: no connect figures");
    if (o.has_mode("fanout")) {
        check_connect("node", r.node_connect);
        check_connect("raw", r.raw_connect);
        check_fanout("yihu", r.yihu_fanout, true);
        check_fanout("raw", r.raw_fanout, false);
        if (r.node_skipped.empty()) check_fanout("node", r.node_fanout, false);
        const double yihu = median_per_recipient(r.yihu_fanout);
        const double over_raw = ratio(yihu, median_per_recipient(r.raw_fanout));
        if (!(over_raw > 0 && std::isfinite(over_raw))) failures.push_back("yihu / raw ratio not computed");
        if (r.node_skipped.empty()) {
            const double over_node = ratio(yihu, median_per_recipient(r.node_fanout));
            if (!(over_node > 0 && std::isfinite(over_node))) failures.push_back("yihu / node ratio not computed");
        }
    }
    auto check_latency = [&](const char* what, const std::optional<LatencyFigures>& l, int alerts) {
        if (!l) {
            failures.push_back(std::string(what) + ": not measured");
            return;
        }
        if (l->missed != 0 || static_cast<int>(l->first_push_us.size()) != alerts) {
            failures.push_back(std::string(what) + ": " + std::to_string(l->first_push_us.size()) + " of " +
                               std::to_string(alerts) + " alerts reached a phone");
        }
        for (double us : l->first_push_us) {
            if (!(us > 0)) failures.push_back(std::string(what) + ": a first push before its POST");
        }
        if (l->positions_target_per_s > 0 && !(l->positions_sent_per_s > 0)) {
            failures.push_back(std::string(what) + ": no positions were sent");
        }
    };
    if (o.has_mode("drowning")) check_latency("drowning", r.drowning, o.drowning_alerts);
    if (o.has_mode("mixed")) check_latency("mixed", r.mixed, o.mixed_alerts);
    if (o.has_mode("positions")) {
        if (r.positions.size() != o.position_rates.size()) failures.push_back("positions: steps missing");
        for (const PositionStep& s : r.positions) {
            if (!(s.sent_per_s > 0) || !(s.applied_per_s > 0) || !(s.server_cpu_us_per_update > 0)) {
                failures.push_back("positions: a step with nothing sent, applied or measured");
            }
        }
    }
    if (r.yihu_fleet.closed_by_peer != 0 || r.yihu_fleet.errors != 0 || r.yihu_fleet.open != n) {
        failures.push_back("yihu phones: " + std::to_string(r.yihu_fleet.open) + " open, " +
                           std::to_string(r.yihu_fleet.closed_by_peer) + " closed by the server, " +
                           std::to_string(r.yihu_fleet.errors) + " errors");
    }
    // The report file as a reader gets it.
    std::ifstream in(json_path);
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    const json::value v = json::parse(text.str(), ec);
    if (ec || !v.is_object()) {
        failures.push_back("the JSON report " + json_path + " does not parse");
        return failures;
    }
    for (const char* key : {"conditions", "connect", "fanout", "ratios", "drowning", "mixed", "positions", "targets"}) {
        if (!v.as_object().contains(key)) failures.push_back(std::string("the JSON report has no ") + key);
    }
    return failures;
}

}  // namespace yihu::bench::load
