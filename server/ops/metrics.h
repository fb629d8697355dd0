#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yihu::ops {

// The Content-Type of Registry::render()'s output.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// Label names and values of one series, fixed when it is registered: {{"state", "active"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

// The hot-path types below are a relaxed atomic each: no lock, no allocation. Relaxed is enough because a scrape
// only needs each value to be one that was current at some moment, not a consistent cut across metrics.

// Monotonic count of events.
class Counter {
  public:
    void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (queue length, active alerts).
class Gauge {
  public:
    void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(std::int64_t d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
    void inc() noexcept { add(1); }
    void dec() noexcept { add(-1); }
    std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::int64_t> value_{0};
};

// Observations (in seconds, by convention) counted into fixed buckets "value <= bound", plus their sum.
class Histogram {
  public:
    struct Snapshot {
        std::vector<std::uint64_t> cumulative;  // per bound, then +Inf; the last is the count
        double sum = 0;
        std::uint64_t count() const { return cumulative.empty() ? 0 : cumulative.back(); }
    };

    // `bounds`: finite and strictly increasing; +Inf is implicit. std::invalid_argument otherwise.
    explicit Histogram(std::vector<double> bounds);

    // NaN is dropped: it belongs in no bucket and would turn the sum into NaN for good.
    void observe(double value) noexcept;
    template <class Rep, class Period>
    void observe(std::chrono::duration<Rep, Period> d) noexcept {
        observe(std::chrono::duration<double>(d).count());
    }

    const std::vector<double>& bounds() const { return bounds_; }
    // Bucket counts are read one by one while others may observe, so the count is taken as the sum of the buckets
    // read: +Inf and _count always agree in the output.
    Snapshot snapshot() const;

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_.size() + 1, not cumulative
    std::atomic<double> sum_{0};
};

// Bucket bounds for request and delivery latencies, 0.5 ms to 10 s.
std::vector<double> latency_buckets();
// start, start*factor, ... (count bounds).
std::vector<double> exponential_buckets(double start, double factor, std::size_t count);

// Owns the metrics of a process and renders them in the Prometheus text format 0.0.4.
//
// Registration locks and may throw std::invalid_argument (a malformed name, a name registered with another type or
// other histogram bounds): it happens at start-up, where a programming mistake should stop the process. Registering
// the same name and labels again returns the same object. References stay valid as long as the registry.
class Registry {
  public:
    Counter& counter(std::string_view name, std::string_view help, Labels labels = {});
    Gauge& gauge(std::string_view name, std::string_view help, Labels labels = {});
    Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds, Labels labels = {});
    // A gauge whose value `read` returns at render time (open connections, queue sizes owned elsewhere). `read` runs
    // under the registry's lock on the scraping thread: it must be thread-safe and must not call the registry.
    // Registering the same series again replaces the function.
    void gauge_callback(std::string_view name, std::string_view help, std::function<double()> read, Labels labels = {});
    // The same for a monotonic count kept elsewhere (an atomic in a layer that does not know this registry): typed
    // `counter` in the output, so rate() works on it.
    void counter_callback(std::string_view name, std::string_view help, std::function<double()> read,
                          Labels labels = {});

    // Families sorted by name, series by labels, so the same state always renders the same text.
    std::string render() const;

  private:
    enum class Type : std::uint8_t { kCounter, kGauge, kHistogram };

    struct Series {
        Labels labels;  // sorted by name
        std::unique_ptr<Counter> counter;
        std::unique_ptr<Gauge> gauge;
        std::unique_ptr<Histogram> histogram;
        std::function<double()> read;
    };

    struct Family {
        std::string help;
        Type type;
        std::map<std::string, Series> series;  // by rendered labels
    };

    Series& series(std::string_view name, std::string_view help, Type type, Labels labels);

    mutable std::mutex mutex_;
    std::map<std::string, Family, std::less<>> families_;
};

}  // namespace yihu::ops
