// cap_bench: CAP 1.2 import of a real national alert (the 880 KB, 41,000-vertex polygon in tests/data/cap/) and its
// export, stage by stage: safe parse, schema validation, the whole import (parse + validate + map + polygon), and
// export of the imported polygon. Prints conditions and per-stage min / median / p90 over the runs.

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "api/codec/geo_codec.h"
#include "federation/cap_export.h"
#include "federation/cap_import.h"
#include "federation/cap_schema.h"
#include "federation/cap_time.h"
#include "federation/cap_xml.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace yihu;

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Wall time and this thread's CPU time: on a shared, loaded machine the CPU time says what the work costs, the wall
// time what a caller waited.
template <class F>
void measure(const char* name, int runs, F&& f) {
    std::vector<double> wall, cpu;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = Clock::now();
        const double c0 = thread_cpu_ms();
        f();
        cpu.push_back(thread_cpu_ms() - c0);
        wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("%-26s wall min %6.2f median %6.2f p90 %6.2f ms | cpu min %6.2f median %6.2f p90 %6.2f ms (%d runs)\n",
                name, wall.front(), wall[wall.size() / 2], wall[wall.size() * 9 / 10], cpu.front(), cpu[cpu.size() / 2],
                cpu[cpu.size() * 9 / 10], runs);
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    in >> one;
    return one.empty() ? "unknown" : one;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : YIHU_CAP_SAMPLE;
    const int runs = argc > 2 ? std::atoi(argv[2]) : 50;
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string xml = buf.str();
    std::printf("cap_bench: %s (%zu bytes), build %s %s, compiler %s, load average %s\n", path.c_str(), xml.size(),
                YIHU_BUILD_TYPE, YIHU_CXX_FLAGS, __VERSION__, load_average().c_str());
    const core::Time now = federation::parse_cap_time("2024-07-02T21:00:00+00:00").value();
    federation::CapImportConfig config;
    (void)federation::CapSchema::instance();  // parsed once per process, not per document

    auto first = federation::import_cap(xml, config, now);
    if (!first) {
        std::fprintf(stderr, "import failed: %s\n", first.error().message.c_str());
        return 1;
    }
    const std::size_t vertices = first->area && first->area->polygon() ? first->area->polygon()->vertex_count() : 0;
    std::printf("imported: kind %d, %zu polygon vertices\n", static_cast<int>(first->kind), vertices);

    measure("parse (guarded libxml2)", runs, [&] {
        auto doc = federation::parse_untrusted_xml(xml, config.limits);
        if (!doc) std::abort();
    });
    auto doc = federation::parse_untrusted_xml(xml, config.limits);
    measure("schema validation", runs, [&] {
        if (!federation::CapSchema::instance().validate(doc->get())) std::abort();
    });
    measure("import_cap (all of it)", runs, [&] {
        auto r = federation::import_cap(xml, config, now);
        if (!r) std::abort();
    });
    v1::Alert alert;
    alert.set_id("bench-1");
    alert.set_version(1);
    alert.set_state(v1::ALERT_STATE_ACTIVE);
    alert.set_kind(v1::ALERT_KIND_DISASTER);
    if (!first->area) {
        std::fprintf(stderr, "%s has no area to export\n", path.c_str());
        return 1;
    }
    api::to_proto(*first->area, alert.mutable_area());
    std::size_t exported = 0;
    measure("to_cap_xml (export)", runs, [&] {
        auto x = federation::to_cap_xml(alert, {});
        if (!x) std::abort();
        exported = x->size();
    });
    std::printf("exported document: %zu bytes\n", exported);
    return 0;
}
