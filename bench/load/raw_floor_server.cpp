#include "raw_floor_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "mono_clock.h"

namespace yihu::bench::load {

RawFloorServer::RawFloorServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd_, 4096) != 0) {
        close(listen_fd_);
        throw std::runtime_error("raw floor server: cannot listen on 127.0.0.1");
    }
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { accept_loop(); });
}

RawFloorServer::~RawFloorServer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
    close_all();
}

void RawFloorServer::accept_loop() {
    while (!stop_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::lock_guard lock(mutex_);
        fds_.push_back(fd);
    }
}

std::size_t RawFloorServer::accepted() const {
    std::lock_guard lock(mutex_);
    return fds_.size();
}

std::int64_t RawFloorServer::broadcast(const std::string& key, std::size_t size, std::int64_t& cpu_ns) {
    std::string message = key + ";";
    message.resize(std::max(size, message.size()), 'x');
    std::lock_guard lock(mutex_);
    const auto thread_cpu = [] {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    };
    const std::int64_t cpu_start = thread_cpu();
    const std::int64_t start = mono_ns();
    for (int fd : fds_) {
        if (write(fd, message.data(), message.size()) != static_cast<ssize_t>(message.size())) {
            throw std::runtime_error("raw floor server: a short write");
        }
    }
    cpu_ns = thread_cpu() - cpu_start;
    return start;
}

void RawFloorServer::close_all() {
    std::lock_guard lock(mutex_);
    for (int fd : fds_) {
        linger l{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close(fd);
    }
    fds_.clear();
}

}  // namespace yihu::bench::load
