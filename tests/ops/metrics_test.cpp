#include "ops/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace yihu::ops {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    EXPECT_TRUE(text.empty() || text.back() == '\n') << "the exposition ends with a newline";
    return lines;
}

TEST(Metrics, CounterRendersHelpTypeAndValue) {
    Registry registry;
    Counter& c = registry.counter("yihu_pushes_total", "Pushes sent to volunteers.");
    c.inc();
    c.inc(4);
    EXPECT_EQ(c.value(), 5u);
    EXPECT_EQ(lines_of(registry.render()), (std::vector<std::string>{
                                               "# HELP yihu_pushes_total Pushes sent to volunteers.",
                                               "# TYPE yihu_pushes_total counter",
                                               "yihu_pushes_total 5",
                                           }));
}

TEST(Metrics, GaugeSetsAndAdds) {
    Registry registry;
    Gauge& g = registry.gauge("yihu_hub_queue", "Events waiting for the hub thread.");
    g.set(10);
    g.add(-3);
    g.inc();
    g.dec();
    g.dec();
    EXPECT_EQ(g.value(), 6);
    g.add(-10);
    EXPECT_EQ(lines_of(registry.render()), (std::vector<std::string>{
                                               "# HELP yihu_hub_queue Events waiting for the hub thread.",
                                               "# TYPE yihu_hub_queue gauge",
                                               "yihu_hub_queue -4",
                                           }));
}

TEST(Metrics, LabelledSeriesShareOneFamily) {
    Registry registry;
    registry.gauge("yihu_alerts", "Alerts by state.", {{"state", "closed"}}).set(7);
    registry.gauge("yihu_alerts", "Alerts by state.", {{"state", "active"}}).set(2);
    // The same name and labels again is the same object.
    Gauge& active = registry.gauge("yihu_alerts", "Alerts by state.", {{"state", "active"}});
    active.inc();
    EXPECT_EQ(lines_of(registry.render()), (std::vector<std::string>{
                                               "# HELP yihu_alerts Alerts by state.",
                                               "# TYPE yihu_alerts gauge",
                                               "yihu_alerts{state=\"active\"} 3",
                                               "yihu_alerts{state=\"closed\"} 7",
                                           }));
    // Label order at registration does not make a different series.
    Counter& a = registry.counter("yihu_x_total", "x", {{"b", "2"}, {"a", "1"}});
    Counter& b = registry.counter("yihu_x_total", "x", {{"a", "1"}, {"b", "2"}});
    EXPECT_EQ(&a, &b);
    EXPECT_NE(registry.render().find("yihu_x_total{a=\"1\",b=\"2\"} 0\n"), std::string::npos);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
    Registry registry;
    Histogram& h =
        registry.histogram("yihu_ack_seconds", "Push to acknowledgement.", {0.005, 0.1, 1, 2.5}, {{"kind", "alert"}});
    for (double v : {0.001, 0.005, 0.05, 0.05, 0.5, 2.0, 30.0}) h.observe(v);
    h.observe(std::chrono::milliseconds(100));            // exactly on a bound: "less than or equal"
    h.observe(std::numeric_limits<double>::quiet_NaN());  // dropped
    EXPECT_EQ(lines_of(registry.render()), (std::vector<std::string>{
                                               "# HELP yihu_ack_seconds Push to acknowledgement.",
                                               "# TYPE yihu_ack_seconds histogram",
                                               "yihu_ack_seconds_bucket{kind=\"alert\",le=\"0.005\"} 2",
                                               "yihu_ack_seconds_bucket{kind=\"alert\",le=\"0.1\"} 5",
                                               "yihu_ack_seconds_bucket{kind=\"alert\",le=\"1\"} 6",
                                               "yihu_ack_seconds_bucket{kind=\"alert\",le=\"2.5\"} 7",
                                               "yihu_ack_seconds_bucket{kind=\"alert\",le=\"+Inf\"} 8",
                                               "yihu_ack_seconds_sum{kind=\"alert\"} 32.706",
                                               "yihu_ack_seconds_count{kind=\"alert\"} 8",
                                           }));
    const Histogram::Snapshot snap = h.snapshot();
    for (std::size_t i = 1; i < snap.cumulative.size(); ++i) EXPECT_LE(snap.cumulative[i - 1], snap.cumulative[i]);
}

TEST(Metrics, EmptyHistogramWithoutLabels) {
    Registry registry;
    registry.histogram("yihu_req_seconds", "HTTP requests.", {1});
    EXPECT_EQ(lines_of(registry.render()), (std::vector<std::string>{
                                               "# HELP yihu_req_seconds HTTP requests.",
                                               "# TYPE yihu_req_seconds histogram",
                                               "yihu_req_seconds_bucket{le=\"1\"} 0",
                                               "yihu_req_seconds_bucket{le=\"+Inf\"} 0",
                                               "yihu_req_seconds_sum 0",
                                               "yihu_req_seconds_count 0",
                                           }));
}

TEST(Metrics, CallbackGaugeIsReadAtRenderTime) {
    Registry registry;
    int open = 3;
    registry.gauge_callback("yihu_connections", "Open connections.", [&] { return static_cast<double>(open); },
                            {{"kind", "ws"}});
    registry.gauge_callback("yihu_uptime_seconds", "Seconds since start.", [] { return 1.25; });
    EXPECT_NE(registry.render().find("yihu_connections{kind=\"ws\"} 3\n"), std::string::npos);
    open = 4;
    EXPECT_NE(registry.render().find("yihu_connections{kind=\"ws\"} 4\n"), std::string::npos);
    EXPECT_NE(registry.render().find("yihu_uptime_seconds 1.25\n"), std::string::npos);
    // Registering again replaces the function.
    registry.gauge_callback("yihu_uptime_seconds", "Seconds since start.", [] { return 2.0; });
    EXPECT_NE(registry.render().find("yihu_uptime_seconds 2\n"), std::string::npos);
}

TEST(Metrics, FamiliesAreSortedByName) {
    Registry registry;
    registry.counter("zeta_total", "z");
    registry.counter("alpha_total", "a");
    registry.gauge("mid", "m");
    const std::string text = registry.render();
    EXPECT_LT(text.find("alpha_total"), text.find("# HELP mid"));
    EXPECT_LT(text.find("# HELP mid"), text.find("zeta_total"));
    EXPECT_EQ(text, registry.render());
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
    Registry registry;
    registry.counter("yihu_e_total", "Back\\slash and\nnewline \"quoted\".", {{"path", "a\\b\"c\"\nd"}}).inc();
    EXPECT_EQ(lines_of(registry.render()), (std::vector<std::string>{
                                               "# HELP yihu_e_total Back\\\\slash and\\nnewline \"quoted\".",
                                               "# TYPE yihu_e_total counter",
                                               "yihu_e_total{path=\"a\\\\b\\\"c\\\"\\nd\"} 1",
                                           }));
}

TEST(Metrics, ConcurrentIncrementsAllCount) {
    Registry registry;
    Counter& c = registry.counter("yihu_c_total", "c");
    Gauge& g = registry.gauge("yihu_g", "g");
    Histogram& h = registry.histogram("yihu_h_seconds", "h", {0.5});
    constexpr int kThreads = 4;
    constexpr int kPerThread = 100'000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                c.inc();
                g.add(t % 2 == 0 ? 2 : -1);
                h.observe(i % 2 == 0 ? 0.25 : 1.0);
            }
        });
    }
    // Scrapes while the counts move must stay well-formed.
    for (int i = 0; i < 20; ++i) EXPECT_FALSE(registry.render().empty());
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(c.value(), std::uint64_t{kThreads} * kPerThread);
    EXPECT_EQ(g.value(), std::int64_t{2} * kPerThread * 2 - std::int64_t{kPerThread} * 2);
    const Histogram::Snapshot snap = h.snapshot();
    EXPECT_EQ(snap.count(), std::uint64_t{kThreads} * kPerThread);
    EXPECT_EQ(snap.cumulative[0], std::uint64_t{kThreads} * kPerThread / 2);
    EXPECT_DOUBLE_EQ(snap.sum, kThreads * (kPerThread / 2) * 1.25);
}

TEST(Metrics, RegistrationMistakesThrow) {
    Registry registry;
    registry.counter("yihu_a_total", "a");
    EXPECT_THROW(registry.gauge("yihu_a_total", "a"), std::invalid_argument);
    EXPECT_THROW(registry.counter("1bad", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("bad-name", "x"), std::invalid_argument);
    EXPECT_THROW(registry.counter("yihu_b_total", "x", {{"bad-label", "v"}}), std::invalid_argument);
    EXPECT_THROW(registry.counter("yihu_b_total", "x", {{"__reserved", "v"}}), std::invalid_argument);
    EXPECT_THROW(registry.counter("yihu_b_total", "x", {{"a", "1"}, {"a", "2"}}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("yihu_h", "h", {1}, {{"le", "x"}}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("yihu_h2", "h", {1, 1}), std::invalid_argument);
    EXPECT_THROW(registry.histogram("yihu_h3", "h", {2, 1}), std::invalid_argument);
    registry.histogram("yihu_h4", "h", {1, 2});
    EXPECT_THROW(registry.histogram("yihu_h4", "h", {1, 3}), std::invalid_argument);
    registry.gauge("yihu_g", "g");
    EXPECT_THROW(registry.gauge_callback("yihu_g", "g", [] { return 1.0; }), std::invalid_argument);
    // Nothing half-registered shows up.
    EXPECT_EQ(registry.render().find("yihu_h2"), std::string::npos);
    EXPECT_EQ(registry.render().find("yihu_b_total"), std::string::npos);
}

TEST(Metrics, BucketHelpers) {
    EXPECT_EQ(exponential_buckets(0.5, 2, 4), (std::vector<double>{0.5, 1, 2, 4}));
    EXPECT_THROW(exponential_buckets(0, 2, 4), std::invalid_argument);
    const auto latency = latency_buckets();
    EXPECT_TRUE(std::is_sorted(latency.begin(), latency.end()));
    EXPECT_NO_THROW(Histogram{latency});
}

}  // namespace
}  // namespace yihu::ops

namespace yihu::ops {
namespace {

TEST(MetricsCallbacks, CounterCallbackIsTypedCounterAndReadAtRender) {
    Registry r;
    std::uint64_t value = 3;
    r.counter_callback("yihu_things_total", "Things.", [&value] { return static_cast<double>(value); });
    value = 5;
    const std::string text = r.render();
    EXPECT_NE(text.find("# TYPE yihu_things_total counter\n"), std::string::npos) << text;
    EXPECT_NE(text.find("yihu_things_total 5\n"), std::string::npos) << text;
    EXPECT_THROW(r.gauge_callback("yihu_things_total", "Things.", [] { return 1.0; }), std::invalid_argument);
}

}  // namespace
}  // namespace yihu::ops
