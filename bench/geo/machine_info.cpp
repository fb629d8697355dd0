#include "machine_info.h"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef YIHU_BUILD_TYPE
#define YIHU_BUILD_TYPE "unknown"
#endif
#ifndef YIHU_CXX_FLAGS
#define YIHU_CXX_FLAGS ""
#endif

namespace yihu::bench {

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("model name", 0) == 0) {
            const std::size_t colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(line.find_first_not_of(" \t", colon + 1));
        }
    }
    return "unknown";
}

unsigned online_cpus() {
    return std::thread::hardware_concurrency();
}

std::string cpu_caches() {
    auto kib = [](int name) { return std::to_string(sysconf(name) / 1024) + " KiB"; };
    return "L1d " + kib(_SC_LEVEL1_DCACHE_SIZE) + ", L2 " + kib(_SC_LEVEL2_CACHE_SIZE) + ", L3 " +
           kib(_SC_LEVEL3_CACHE_SIZE) + " (as reported; a VM may misreport L3)";
}

std::string compiler() {
#if defined(__clang__)
    return "Clang " __clang_version__;
#elif defined(__GNUC__)
    return "GCC " __VERSION__;
#else
    return "unknown";
#endif
}

std::string build_type() {
    return std::string(YIHU_BUILD_TYPE) + " (" + YIHU_CXX_FLAGS + ")";
}

std::string kernel() {
    utsname u{};
    if (uname(&u) != 0) return "unknown";
    return std::string(u.sysname) + " " + u.release;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

std::string utc_now() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool pin_this_thread(int cpu) {
    if (cpu < 0 || static_cast<unsigned>(cpu) >= online_cpus()) return false;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set) == 0;
}

}  // namespace yihu::bench
