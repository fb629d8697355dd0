#include "common/local_sentinel.h"

#include <cstdlib>
#include <fstream>

#include "common/local_redis.h"

namespace yihu::client {

LocalSentinel::LocalSentinel(Options options) : options_(std::move(options)) {
    port_ = free_loopback_port();
    std::filesystem::create_directories(options_.dir);
    const std::filesystem::path conf = options_.dir / "sentinel.conf";
    {
        std::ofstream out(conf);
        const std::string& name = options_.master_name;
        out << "port " << port_ << "\nbind 127.0.0.1\ndaemonize no\ndir " << options_.dir.string() << "\n"
            << "sentinel monitor " << name << " 127.0.0.1 " << options_.master_port << ' ' << options_.quorum << "\n"
            << "sentinel down-after-milliseconds " << name << ' ' << options_.down_after_ms << "\n"
            << "sentinel failover-timeout " << name << ' ' << options_.failover_timeout_ms << "\n"
            << "sentinel parallel-syncs " << name << " 1\n";
    }
    process_ = ChildProcess({"redis-sentinel", conf.string()}, options_.dir / "sentinel.log");
    wait_for_pong(process_, port_, options_.dir / "sentinel.log");
}

std::uint16_t LocalSentinel::master_port() const {
    const std::string out = cli("SENTINEL GET-MASTER-ADDR-BY-NAME " + options_.master_name);
    const auto newline = out.rfind('\n');
    if (newline == std::string::npos) return 0;
    return static_cast<std::uint16_t>(std::atoi(out.c_str() + newline + 1));
}

std::string LocalSentinel::cli(const std::string& args) const {
    return redis_cli(port_, args);
}

}  // namespace yihu::client
