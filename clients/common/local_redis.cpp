#include "common/local_redis.h"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace yihu::client {

LocalRedis::LocalRedis(Options options) : options_(std::move(options)) {
    port_ = options_.port != 0 ? options_.port : free_loopback_port();
    std::filesystem::create_directories(options_.dir);
    start();
}

void LocalRedis::start() {
    const std::string port = std::to_string(port_);
    std::vector<std::string> argv = {
        "redis-server",        "--port", port, "--bind",      "127.0.0.1", "--protected-mode", "yes", "--dir",
        options_.dir.string(), "--save", "",   "--daemonize", "no"};
    if (options_.aof) {
        argv.insert(argv.end(), {"--appendonly", "yes", "--appendfsync", "always"});
    } else {
        argv.insert(argv.end(), {"--appendonly", "no"});
    }
    if (options_.replica_of != 0)
        argv.insert(argv.end(), {"--replicaof", "127.0.0.1", std::to_string(options_.replica_of)});
    // Fault tests freeze it with DEBUG SLEEP, from redis-cli on loopback ("local" allows nothing from elsewhere).
    argv.insert(argv.end(), {"--enable-debug-command", "local"});
    process_ = ChildProcess(argv, options_.dir / "redis.log");
    wait_for_pong(process_, port_, options_.dir / "redis.log");
}

std::string LocalRedis::cli(const std::string& args) const {
    return redis_cli(port_, args);
}

void wait_for_pong(ChildProcess& process, std::uint16_t port, const std::filesystem::path& log) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!process.running()) {
            throw std::runtime_error("exited during start-up (is port " + std::to_string(port) + " taken? log in " +
                                     log.string() + ")");
        }
        if (redis_cli(port, "PING") == "PONG") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("nothing answered PING on port " + std::to_string(port) + "; log in " + log.string());
}

std::string redis_cli(std::uint16_t port, const std::string& args) {
    const std::string command = "redis-cli -h 127.0.0.1 -p " + std::to_string(port) + " " + args + " 2>/dev/null";
    FILE* out = popen(command.c_str(), "r");
    if (out == nullptr) return {};
    std::string text;
    std::array<char, 4096> buf{};
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), out)) text.append(buf.data(), n);
    pclose(out);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

}  // namespace yihu::client
