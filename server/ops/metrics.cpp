#include "ops/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace yihu::ops {

namespace {

bool valid_name(std::string_view name, bool allow_colon) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
                        (i > 0 && c >= '0' && c <= '9');
        if (!ok) return false;
    }
    return true;
}

// Integers as integers ("3", not "3.0"); otherwise the shortest text that reads back to the same double.
std::string format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {
        return std::to_string(static_cast<std::int64_t>(v));
    }
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, ec == std::errc{} ? end : buf);
}

std::string escape(std::string_view text, bool quote) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

// {a="1",b="2"}, with `le` last for histogram buckets; empty without labels.
std::string label_text(const Labels& labels, std::string_view le = {}) {
    if (labels.empty() && le.empty()) return {};
    std::string out = "{";
    for (const auto& [name, value] : labels) {
        if (out.size() > 1) out += ',';
        out += name + "=\"" + escape(value, true) + "\"";
    }
    if (!le.empty()) {
        if (out.size() > 1) out += ',';
        out += "le=\"" + std::string(le) + "\"";
    }
    return out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
            throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
        }
    }
}

void Histogram::observe(double value) noexcept {
    if (std::isnan(value)) return;
    // The first bound >= value: Prometheus buckets are "less than or equal".
    const auto bucket =
        static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot s;
    s.cumulative.resize(bounds_.size() + 1);
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        total += counts_[i].load(std::memory_order_relaxed);
        s.cumulative[i] = total;
    }
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
}

std::vector<double> latency_buckets() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::vector<double> exponential_buckets(double start, double factor, std::size_t count) {
    if (!(start > 0) || !(factor > 1)) throw std::invalid_argument("exponential buckets need start > 0, factor > 1");
    std::vector<double> bounds;
    bounds.reserve(count);
    for (double b = start; bounds.size() < count; b *= factor) bounds.push_back(b);
    return bounds;
}

Registry::Series& Registry::series(std::string_view name, std::string_view help, Type type, Labels labels) {
    if (!valid_name(name, true)) throw std::invalid_argument("invalid metric name '" + std::string(name) + "'");
    std::sort(labels.begin(), labels.end());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::string& label = labels[i].first;
        if (!valid_name(label, false) || label.starts_with("__") || (type == Type::kHistogram && label == "le") ||
            (i > 0 && labels[i - 1].first == label)) {
            throw std::invalid_argument("invalid or repeated label '" + label + "' on metric " + std::string(name));
        }
    }
    auto it = families_.find(name);
    if (it == families_.end()) it = families_.emplace(std::string(name), Family{std::string(help), type, {}}).first;
    Family& family = it->second;
    if (family.type != type) {
        throw std::invalid_argument("metric " + std::string(name) + " is already registered with another type");
    }
    std::string key = label_text(labels);
    auto [series, inserted] = family.series.try_emplace(std::move(key));
    if (inserted) series->second.labels = std::move(labels);
    return series->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, Labels labels) {
    std::lock_guard lock(mutex_);
    Series& s = series(name, help, Type::kCounter, std::move(labels));
    if (!s.counter) s.counter = std::make_unique<Counter>();
    return *s.counter;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, Labels labels) {
    std::lock_guard lock(mutex_);
    Series& s = series(name, help, Type::kGauge, std::move(labels));
    if (s.read) throw std::invalid_argument("gauge " + std::string(name) + " is already a callback gauge");
    if (!s.gauge) s.gauge = std::make_unique<Gauge>();
    return *s.gauge;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                               Labels labels) {
    // Built first so bad bounds throw before an empty series is left behind.
    auto fresh = std::make_unique<Histogram>(bounds);
    std::lock_guard lock(mutex_);
    Series& s = series(name, help, Type::kHistogram, std::move(labels));
    if (!s.histogram) {
        s.histogram = std::move(fresh);
    } else if (s.histogram->bounds() != bounds) {
        throw std::invalid_argument("histogram " + std::string(name) + " is already registered with other bounds");
    }
    return *s.histogram;
}

void Registry::gauge_callback(std::string_view name, std::string_view help, std::function<double()> read,
                              Labels labels) {
    if (!read) throw std::invalid_argument("gauge callback for " + std::string(name) + " is empty");
    std::lock_guard lock(mutex_);
    Series& s = series(name, help, Type::kGauge, std::move(labels));
    if (s.gauge) throw std::invalid_argument("gauge " + std::string(name) + " is already a plain gauge");
    s.read = std::move(read);
}

void Registry::counter_callback(std::string_view name, std::string_view help, std::function<double()> read,
                                Labels labels) {
    if (!read) throw std::invalid_argument("counter callback for " + std::string(name) + " is empty");
    std::lock_guard lock(mutex_);
    Series& s = series(name, help, Type::kCounter, std::move(labels));
    if (s.counter) throw std::invalid_argument("counter " + std::string(name) + " is already a plain counter");
    s.read = std::move(read);
}

std::string Registry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, family] : families_) {
        static constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};
        out += "# HELP " + name + " " + escape(family.help, false) + "\n";
        out += "# TYPE " + name + " " + std::string(kTypeNames[static_cast<int>(family.type)]) + "\n";
        for (const auto& [labels, s] : family.series) {
            if (s.counter) {
                out += name + labels + " " + std::to_string(s.counter->value()) + "\n";
            } else if (s.gauge) {
                out += name + labels + " " + std::to_string(s.gauge->value()) + "\n";
            } else if (s.read) {
                out += name + labels + " " + format_value(s.read()) + "\n";
            } else if (s.histogram) {
                const Histogram::Snapshot snap = s.histogram->snapshot();
                const std::vector<double>& bounds = s.histogram->bounds();
                for (std::size_t i = 0; i <= bounds.size(); ++i) {
                    const std::string le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
                    out +=
                        name + "_bucket" + label_text(s.labels, le) + " " + std::to_string(snap.cumulative[i]) + "\n";
                }
                out += name + "_sum" + labels + " " + format_value(snap.sum) + "\n";
                out += name + "_count" + labels + " " + std::to_string(snap.count()) + "\n";
            }
        }
    }
    return out;
}

}  // namespace yihu::ops
