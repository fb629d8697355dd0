#include "json_report.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <stdexcept>

namespace yihu::bench {

namespace {

boost::json::value number_or_null(const std::optional<double>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object row_json(const ResultRow& r) {
    boost::json::object o;
    o["contender"] = r.contender;
    o["dataset"] = r.dataset;
    o["measure"] = r.measure;
    o["p50_ns"] = number_or_null(r.stats.p50_ns);
    o["p99_ns"] = number_or_null(r.stats.p99_ns);
    o["ns_per_op"] = number_or_null(r.stats.ns_per_op);
    o["ops"] = r.stats.ops;
    return o;
}

}  // namespace

void write_json(const std::string& path, const std::vector<ResultRow>& rows, const Conditions& conditions,
                const std::vector<TargetCheck>& targets) {
    std::ofstream out(path);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << "{\"results\": [\n";
    for (std::size_t i = 0; i < rows.size(); ++i)
        out << "  " << boost::json::serialize(row_json(rows[i])) << (i + 1 < rows.size() ? ",\n" : "\n");
    out << "],\n\"targets\": [\n";
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const TargetCheck& t = targets[i];
        boost::json::object o;
        o["dataset"] = t.dataset;
        o["target"] = t.target;
        o["status"] = status_name(t.status);
        o["actual"] = t.actual;
        out << "  " << boost::json::serialize(o) << (i + 1 < targets.size() ? ",\n" : "\n");
    }
    out << "],\n\"conditions\": " << boost::json::serialize(conditions.json()) << "\n}\n";
    if (!out) throw std::runtime_error("error writing " + path);
}

}  // namespace yihu::bench
