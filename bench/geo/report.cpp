#include "report.h"

#include <cstdio>
#include <iomanip>

#include "measure.h"

namespace yihu::bench {

namespace {

const LatencyStats* find(const std::vector<ResultRow>& rows, const std::string& dataset, std::string_view contender,
                         std::string_view measure) {
    for (const ResultRow& r : rows)
        if (r.dataset == dataset && r.contender == contender && r.measure == measure) return &r.stats;
    return nullptr;
}

std::string relative(const std::optional<double>& ns, const std::optional<double>& yihu_ns) {
    if (!ns || !yihu_ns || *yihu_ns <= 0) return "-";
    char buf[32];
    const double r = *ns / *yihu_ns;
    std::snprintf(buf, sizeof buf, r < 10 ? "x%.2f" : "x%.0f", r);
    return buf;
}

}  // namespace

std::string format_ns(const std::optional<double>& ns) {
    if (!ns) return "-";
    char buf[32];
    const double v = *ns;
    if (v < 1e3) {
        std::snprintf(buf, sizeof buf, "%.0f ns", v);
    } else if (v < 1e6) {
        std::snprintf(buf, sizeof buf, v < 1e4 ? "%.2f us" : v < 1e5 ? "%.1f us" : "%.0f us", v / 1e3);
    } else if (v < 1e9) {
        std::snprintf(buf, sizeof buf, v < 1e7 ? "%.2f ms" : v < 1e8 ? "%.1f ms" : "%.0f ms", v / 1e6);
    } else {
        std::snprintf(buf, sizeof buf, "%.2f s", v / 1e9);
    }
    return buf;
}

void print_table(std::ostream& out, const std::string& dataset, const std::vector<ResultRow>& rows) {
    out << std::left << std::setw(13) << "measure" << std::setw(13) << "contender" << std::right << std::setw(8)
        << "ops" << std::setw(11) << "p50" << std::setw(11) << "p99" << std::setw(11) << "ns/op" << std::setw(10)
        << "vs yihu"
        << "\n";
    for (Measure m : kAllMeasures) {
        const std::string_view measure = measure_name(m);
        const LatencyStats* yihu = find(rows, dataset, "yihu", measure);
        bool first = true;
        for (const ResultRow& r : rows) {
            if (r.dataset != dataset || r.measure != measure) continue;
            out << std::left << std::setw(13) << (first ? std::string(measure) : "") << std::setw(13) << r.contender
                << std::right << std::setw(8) << r.stats.ops << std::setw(11) << format_ns(r.stats.p50_ns)
                << std::setw(11) << format_ns(r.stats.p99_ns) << std::setw(11) << format_ns(r.stats.ns_per_op)
                << std::setw(10) << relative(r.stats.ns_per_op, yihu ? yihu->ns_per_op : std::nullopt) << "\n";
            first = false;
        }
    }
}

}  // namespace yihu::bench
