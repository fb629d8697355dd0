#pragma once

#include <string>

namespace yihu::bench {

// Facts about the machine and the build, for the printed conditions.
std::string cpu_model();  // /proc/cpuinfo "model name"
unsigned online_cpus();
std::string cpu_caches();    // L1d / L2 / L3 sizes as the (possibly virtual) CPU reports them
std::string compiler();      // e.g. "GCC 12.2.0"
std::string build_type();    // CMAKE_BUILD_TYPE and its flags
std::string kernel();        // uname -sr
std::string load_average();  // /proc/loadavg, first three fields
std::string utc_now();       // ISO 8601
// Pins the calling thread to one core; false (and nothing changed) if that fails.
bool pin_this_thread(int cpu);

}  // namespace yihu::bench
