#include "redis_server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <stdexcept>
#include <thread>
#include <vector>

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
    // Everything the child needs is built before fork(): between fork and exec it only makes system calls.
    std::vector<std::string> args = {"redis-server", "--port", port_text, "--bind", "127.0.0.1",        "--save", "",
                                     "--appendonly", "no",     "--dir",   "/tmp",   "--protected-mode", "yes"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = getpid();

    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork() failed");
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
        if (cpu >= 0) {                       // what `taskset -c <cpu>` does; the mask survives exec
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            sched_setaffinity(0, sizeof set, &set);
        }
        const int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, STDOUT_FILENO);
            dup2(devnull, STDERR_FILENO);
        }
        execvp("redis-server", argv.data());
        _exit(127);
    }
    g_server_pid.store(pid);
    install_signal_handlers();
    std::unique_ptr<RedisServerProcess> server(new RedisServerProcess(pid, port));

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            server->pid_ = 0;
            g_server_pid.store(0);
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    g_server_pid.store(0);
    pid_ = 0;
}

}  // namespace yihu::bench
