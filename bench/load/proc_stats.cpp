#include "proc_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace yihu::bench::load {

std::int64_t rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
    }
    return 0;
}

std::int64_t cpu_ns(pid_t pid) {
    // Each thread's schedstat counts its time on a CPU in nanoseconds; /proc/<pid>/stat only in clock ticks.
    std::error_code ec;
    std::int64_t on_cpu = 0;
    bool any = false;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream sched(task.path() / "schedstat");
        long long ns = 0;
        if (sched >> ns) {
            on_cpu += ns;
            any = true;
        }
    }
    if (any) return on_cpu;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
    const std::size_t close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) utime = std::stoll(field);
        if (i == 15) stime = std::stoll(field);
    }
    const long ticks = sysconf(_SC_CLK_TCK);
    return (utime + stime) * (1'000'000'000LL / (ticks > 0 ? ticks : 100));
}

std::int64_t thread_cpu_ns(pid_t pid, const std::string& thread_name) {
    std::error_code ec;
    std::int64_t on_cpu = 0;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream comm(task.path() / "comm");
        std::string name;
        if (!std::getline(comm, name) || name != thread_name) continue;
        std::ifstream sched(task.path() / "schedstat");
        long long ns = 0;
        if (sched >> ns) on_cpu += ns;
    }
    return on_cpu;
}

std::int64_t rss_kib(const std::vector<pid_t>& pids) {
    std::int64_t sum = 0;
    for (pid_t pid : pids) sum += rss_kib(pid);
    return sum;
}

std::int64_t cpu_ns(const std::vector<pid_t>& pids) {
    std::int64_t sum = 0;
    for (pid_t pid : pids) sum += cpu_ns(pid);
    return sum;
}

std::string loadavg() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

std::int64_t raise_open_files_limit() {
    rlimit r{};
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
    getrlimit(RLIMIT_NOFILE, &r);
    return static_cast<std::int64_t>(r.rlim_cur);
}

}  // namespace yihu::bench::load
