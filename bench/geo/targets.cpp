#include "targets.h"

#include <cstdio>
#include <iomanip>
#include <optional>

#include "report.h"

namespace yihu::bench {

namespace {

using Status = TargetCheck::Status;

std::optional<double> figure(const std::vector<ResultRow>& rows, const std::string& dataset, std::string_view contender,
                             std::string_view measure, bool p50) {
    for (const ResultRow& r : rows) {
        if (r.dataset == dataset && r.contender == contender && r.measure == measure)
            return p50 ? r.stats.p50_ns : r.stats.ns_per_op;
    }
    return std::nullopt;
}

std::string ratio_text(double r) {
    char buf[32];
    std::snprintf(buf, sizeof buf, r < 10 ? "%.2fx" : "%.0fx", r);
    return buf;
}

// value <= limit
TargetCheck at_most(const std::string& dataset, std::string target, std::string_view what,
                    const std::optional<double>& value, const std::optional<double>& limit) {
    TargetCheck c{dataset, std::move(target), Status::kSkip, "no figure"};
    if (!value || !limit) return c;
    c.status = *value <= *limit ? Status::kPass : Status::kMiss;
    c.actual = std::string(what) + " " + format_ns(value) + " vs limit " + format_ns(limit);
    if (c.status == Status::kMiss) c.actual += " (" + ratio_text(*value / *limit) + " over)";
    return c;
}

// slower / faster >= factor. The ratio to Redis's client round trip is shown too, for context only.
TargetCheck faster_by(const std::string& dataset, std::string target, const std::optional<double>& fast,
                      const std::optional<double>& slow, const std::optional<double>& round_trip, double factor) {
    TargetCheck c{dataset, std::move(target), Status::kSkip, "no Redis figure (--no-redis?)"};
    if (!fast || !slow || *fast <= 0) return c;
    const double r = *slow / *fast;
    c.status = r >= factor ? Status::kPass : Status::kMiss;
    c.actual = "yihu " + format_ns(fast) + " vs redis " + format_ns(slow) + ": " + ratio_text(r);
    if (c.status == Status::kMiss) c.actual += " (" + ratio_text(factor / r) + " short of " + ratio_text(factor) + ")";
    if (round_trip) c.actual += "; vs redis_rtt " + format_ns(round_trip) + ": " + ratio_text(*round_trip / *fast);
    return c;
}

}  // namespace

std::string_view status_name(Status s) {
    return s == Status::kPass ? "PASS" : s == Status::kMiss ? "MISS" : "SKIP";
}

std::vector<TargetCheck> check_targets(const std::vector<ResultRow>& rows, const std::vector<std::string>& datasets) {
    std::vector<TargetCheck> out;
    for (const std::string& d : datasets) {
        auto fig = [&](std::string_view contender, std::string_view measure, bool p50) {
            return figure(rows, d, contender, measure, p50);
        };
        std::optional<double> knn_p99;
        for (const ResultRow& r : rows)
            if (r.dataset == d && r.contender == "yihu" && r.measure == "knn100_1km") knn_p99 = r.stats.p99_ns;

        out.push_back(at_most(d, "knn100_1km yihu p50 <= 2 us", "p50", fig("yihu", "knn100_1km", true), 2000.0));
        out.push_back(at_most(d, "knn100_1km yihu p99 <= 5 us", "p99", knn_p99, 5000.0));
        out.push_back(faster_by(d, "knn100_1km yihu >= 100x faster than redis (server mean)",
                                fig("yihu", "knn100_1km", false), fig("redis", "knn100_1km", false),
                                fig("redis_rtt", "knn100_1km", false), 100.0));
        out.push_back(at_most(d, "update_near yihu p50 <= 100 ns", "p50", fig("yihu", "update_near", true), 100.0));
        out.push_back(
            at_most(d, "update_near yihu ns/op <= 100 ns", "ns/op", fig("yihu", "update_near", false), 100.0));
        out.push_back(faster_by(d, "update_near yihu >= 40x faster than redis GEOADD (server mean)",
                                fig("yihu", "update_near", false), fig("redis", "update_near", false),
                                fig("redis_rtt", "update_near", false), 40.0));
        const auto twice = [](std::optional<double> v) { return v ? std::optional<double>(2 * *v) : v; };
        out.push_back(at_most(d, "roam_1000 yihu p50 <= 2 x update_near p50", "p50", fig("yihu", "roam_1000", true),
                              twice(fig("yihu", "update_near", true))));
        out.push_back(at_most(d, "roam_1000 yihu ns/op <= 2 x update_near ns/op", "ns/op",
                              fig("yihu", "roam_1000", false), twice(fig("yihu", "update_near", false))));
    }
    return out;
}

void print_targets(std::ostream& out, const std::vector<TargetCheck>& checks) {
    std::string dataset;
    for (const TargetCheck& c : checks) {
        if (c.dataset != dataset) {
            dataset = c.dataset;
            out << dataset << ":\n";
        }
        out << "  " << status_name(c.status) << "  " << std::left << std::setw(64) << c.target << std::right << c.actual
            << "\n";
    }
}

}  // namespace yihu::bench
