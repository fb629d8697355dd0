#include "redis_server_process.h"

#include <signal.h>

#include <atomic>
#include <csignal>
#include <stdexcept>
#include <thread>

#include "common/child_process.h"
#include "redis_connection.h"

namespace yihu::bench {

namespace {

// The running server, for the signal handler: an atomic pid is all a handler may safely read.
std::atomic<pid_t> g_server_pid{0};
static_assert(std::atomic<pid_t>::is_always_lock_free);

void kill_server_and_reraise(int sig) {
    const pid_t pid = g_server_pid.load();
    if (pid > 0) kill(pid, SIGKILL);
    signal(sig, SIG_DFL);
    raise(sig);
}

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = kill_server_and_reraise;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

}  // namespace

std::unique_ptr<RedisServerProcess> RedisServerProcess::start(int cpu, std::chrono::milliseconds timeout) {
    // Another process could take the port before redis binds it; then redis exits at once and start() says so.
    const int port = client::free_loopback_port();
    const std::string port_text = std::to_string(port);
    std::vector<std::string> args = {"redis-server", "--port", port_text, "--bind", "127.0.0.1",        "--save", "",
                                     "--appendonly", "no",     "--dir",   "/tmp",   "--protected-mode", "yes"};
    client::ChildProcess process(args, {}, cpu);
    g_server_pid.store(process.pid());
    install_signal_handlers();
    std::unique_ptr<RedisServerProcess> server(new RedisServerProcess(std::move(process), port));

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (!server->process_.running()) {
            g_server_pid.store(0);
            const int code = server->process_.exit_code().value_or(-1);
            throw std::runtime_error("redis-server exited during start-up (exit code " + std::to_string(code) +
                                     "; is redis-server on PATH, is port " + port_text + " taken?)");
        }
        if (auto c = RedisConnection::try_connect(server->host(), port, std::chrono::milliseconds(200))) {
            RedisReply pong = c->command("PING");
            if (pong->type == REDIS_REPLY_STATUS && std::string(pong->str, pong->len) == "PONG") return server;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("redis-server did not answer PING on port " + port_text);  // destructor stops it
}

void RedisServerProcess::stop() {
    process_.stop(std::chrono::seconds(3));
    g_server_pid.store(0);
}

}  // namespace yihu::bench
