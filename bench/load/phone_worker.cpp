#include "phone_worker.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <sstream>
#include <string>
#include <vector>

#include "api/auth/token.h"
#include "api/codec/push_ref.h"
#include "arrival_log.h"
#include "mono_clock.h"
#include "phone_placement.h"
#include "worker_protocol.h"
#include "ws_frame.h"
#include "yihu/v1/volunteer.pb.h"

namespace yihu::bench::load {

namespace {

enum class Target { kYihu, kNode, kRaw };
enum class State { kConnecting, kUpgrading, kHello, kOpen, kDead };

// How many handshakes one worker keeps in flight: enough to keep the server's accept loop busy, few enough not to
// overflow its listen backlog.
constexpr std::size_t kHandshakesInFlight = 64;

struct Phone {
    int fd = -1;
    std::uint32_t index = 0;
    State state = State::kConnecting;
    bool watching_out = false;
    std::string in;
    std::string out;
    std::string fragments;            // a message split over continuation frames
    std::vector<std::uint32_t> seen;  // interned keys this phone has received
};

std::string volunteer_token(const std::string& secret, std::uint32_t index) {
    api::Claims c;
    c.subject = "load-v" + std::to_string(index);
    c.role = api::Role::kVolunteer;
    c.skills = {"swimmer"};
    c.tier = core::Tier::kRegistered;
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    c.issued_at = now;
    c.expires_at = now + 6 * 3600;
    return api::sign_token(c, secret);
}

void set_location(v1::Position& p, core::geo::LatLng where) {
    p.mutable_location()->set_latitude(where.lat);
    p.mutable_location()->set_longitude(where.lon);
    p.set_accuracy_m(10);
}

class Worker {
  public:
    Worker(int control_fd, std::string secret) : control_fd_(control_fd), secret_(std::move(secret)) {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        fcntl(control_fd_, F_SETFL, fcntl(control_fd_, F_GETFL) | O_NONBLOCK);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = 0;
        epoll_ctl(epoll_, EPOLL_CTL_ADD, control_fd_, &ev);
    }

    int run() {
        std::vector<epoll_event> events(1024);
        while (!quit_) {
            const int timeout_ms = positions_active_ ? 1 : (pending_.empty() && in_flight_ == 0 ? 100 : 10);
            const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
            if (n < 0 && errno != EINTR) return 3;
            for (int i = 0; i < n; ++i) {
                const std::uint64_t id = events[static_cast<std::size_t>(i)].data.u64;
                if (id == 0) {
                    if (!read_control()) return 0;
                    continue;
                }
                on_socket(static_cast<std::size_t>(id - 1), events[static_cast<std::size_t>(i)].events);
            }
            start_handshakes();
            send_positions();
            maybe_progress();
        }
        return 0;
    }

  private:
    // ---- control channel ----
    bool read_control() {
        char buf[4096];
        for (;;) {
            const ssize_t r = read(control_fd_, buf, sizeof buf);
            if (r == 0) return false;
            if (r < 0) break;
            control_in_.append(buf, static_cast<std::size_t>(r));
        }
        std::size_t nl;
        while ((nl = control_in_.find('\n')) != std::string::npos) {
            const std::string line = control_in_.substr(0, nl);
            control_in_.erase(0, nl + 1);
            command(line);
        }
        return true;
    }

    void reply(const std::string& line) {
        const std::string l = line + "\n";
        std::size_t done = 0;
        while (done < l.size()) {
            const ssize_t w = write(control_fd_, l.data() + done, l.size() - done);
            if (w > 0)
                done += static_cast<std::size_t>(w);
            else if (w < 0 && errno != EAGAIN && errno != EINTR)
                return;
        }
    }

    void command(const std::string& line) {
        std::istringstream in(line);
        std::string verb;
        in >> verb;
        if (verb == "connect") {
            std::string target;
            std::uint32_t first = 0, count = 0;
            std::string ports;  // comma-separated: phone i connects to the (i mod n)th (the nodes of a cluster)
            in >> target >> ports >> first >> count >> total_ >> raw_size_;
            ports_.clear();
            std::istringstream list(ports);
            for (std::string port; std::getline(list, port, ',');) {
                ports_.push_back(static_cast<std::uint16_t>(std::stoi(port)));
            }
            target_ = target == "yihu" ? Target::kYihu : target == "node" ? Target::kNode : Target::kRaw;
            for (std::uint32_t i = 0; i < count; ++i) pending_.push_back(first + i);
            connect_ok_ = connect_failed_ = connect_first_ns_ = connect_last_ns_ = 0;
            connecting_ = true;
        } else if (verb == "stats") {
            std::string key;
            in >> key;
            const ArrivalLog::Stats s = arrivals_.stats(key);
            reply("stats " + std::to_string(s.count) + " " + std::to_string(s.first_ns) + " " +
                  std::to_string(s.last_ns) + " " + std::to_string(s.dups) + " " + std::to_string(s.payload_bytes));
        } else if (verb == "positions") {
            double rate = 0;
            long long duration_ms = 0;
            in >> rate >> duration_ms;
            positions_rate_ = rate;
            positions_start_ns_ = mono_ns();
            positions_end_ns_ = positions_start_ns_ + duration_ms * 1'000'000;
            positions_sent_ = 0;
            positions_active_ = true;
        } else if (verb == "stop") {
            finish_positions();
        } else if (verb == "counts") {
            std::size_t open = 0;
            for (const Phone& p : phones_) open += p.state == State::kOpen;
            reply("counts " + std::to_string(open) + " " + std::to_string(closed_by_peer_) + " " +
                  std::to_string(errors_) + " " + std::to_string(pushes_) + " " + std::to_string(acks_));
        } else if (verb == "close") {
            for (Phone& p : phones_) drop(p, false);
            phones_.clear();
            pending_.clear();
            in_flight_ = 0;
            reply("closed");
        } else if (verb == "quit") {
            quit_ = true;
        }
    }

    void maybe_progress() {
        if (!connecting_ && !positions_active_) return;
        const std::int64_t now = mono_ns();
        if (now - last_progress_ns_ < kProgressEveryMs * 1'000'000) return;
        last_progress_ns_ = now;
        reply("progress " + std::to_string(connect_ok_) + " " + std::to_string(positions_sent_));
    }

    // ---- connections ----
    void start_handshakes() {
        while (!pending_.empty() && in_flight_ < kHandshakesInFlight) {
            const std::uint32_t index = pending_.front();
            pending_.pop_front();
            ++in_flight_;
            open_socket(index);
        }
        if (connecting_ && pending_.empty() && in_flight_ == 0) {
            connecting_ = false;
            reply("connected " + std::to_string(connect_ok_) + " " + std::to_string(connect_failed_) + " " +
                  std::to_string(connect_first_ns_) + " " + std::to_string(connect_last_ns_));
        }
    }

    void open_socket(std::uint32_t index) {
        const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            handshake_done(false);
            return;
        }
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port_of(index));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const int r = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        if (r < 0 && errno != EINPROGRESS) {
            close(fd);
            handshake_done(false);
            return;
        }
        std::size_t slot = phones_.size();
        phones_.push_back(Phone{.fd = fd, .index = index});
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u64 = slot + 1;
        epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
        phones_[slot].watching_out = true;
    }

    void handshake_done(bool ok) {
        --in_flight_;
        if (!ok) {
            ++connect_failed_;
            return;
        }
        ++connect_ok_;
        const std::int64_t now = mono_ns();
        if (connect_first_ns_ == 0) connect_first_ns_ = now;
        connect_last_ns_ = now;
    }

    void drop(Phone& p, bool by_peer) {
        if (p.fd < 0) return;
        if (p.state != State::kOpen && p.state != State::kDead) handshake_done(false);
        if (by_peer) ++closed_by_peer_;
        // A reset, not a FIN: thousands of sockets must not sit in TIME_WAIT between runs.
        linger l{1, 0};
        setsockopt(p.fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close(p.fd);
        p.fd = -1;
        p.state = State::kDead;
        p.in.clear();
        p.out.clear();
    }

    void watch_out(Phone& p, std::size_t slot, bool on) {
        if (p.watching_out == on) return;
        epoll_event ev{};
        ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
        ev.data.u64 = slot + 1;
        epoll_ctl(epoll_, EPOLL_CTL_MOD, p.fd, &ev);
        p.watching_out = on;
    }

    void send(Phone& p, std::size_t slot, std::string_view bytes) {
        if (p.fd < 0) return;
        if (p.out.empty()) {
            const ssize_t w = ::send(p.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (w == static_cast<ssize_t>(bytes.size())) return;
            if (w < 0 && errno != EAGAIN) {
                ++errors_;
                drop(p, true);
                return;
            }
            bytes.remove_prefix(w > 0 ? static_cast<std::size_t>(w) : 0);
        }
        p.out.append(bytes);
        watch_out(p, slot, true);
    }

    void flush(Phone& p, std::size_t slot) {
        while (!p.out.empty()) {
            const ssize_t w = ::send(p.fd, p.out.data(), p.out.size(), MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EAGAIN) return;
                ++errors_;
                drop(p, true);
                return;
            }
            p.out.erase(0, static_cast<std::size_t>(w));
        }
        watch_out(p, slot, false);
    }

    void on_socket(std::size_t slot, std::uint32_t events) {
        if (slot >= phones_.size()) return;
        Phone& p = phones_[slot];
        if (p.fd < 0) return;
        if (p.state == State::kConnecting) {
            if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                ++errors_;
                drop(p, false);
                return;
            }
            if (target_ == Target::kRaw) {
                p.state = State::kOpen;
                handshake_done(true);
                watch_out(p, slot, false);
            } else {
                p.state = State::kUpgrading;
                send(p, slot, upgrade_request(target_ == Target::kYihu ? "/v1/volunteer" : "/", port_of(p.index)));
                if (p.out.empty()) watch_out(p, slot, false);
            }
            return;
        }
        if (events & EPOLLOUT) flush(p, slot);
        if (p.fd < 0) return;
        if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) read_socket(p, slot);
    }

    void read_socket(Phone& p, std::size_t slot) {
        char buf[65536];
        for (;;) {
            const ssize_t r = recv(p.fd, buf, sizeof buf, 0);
            if (r > 0) {
                p.in.append(buf, static_cast<std::size_t>(r));
                if (static_cast<std::size_t>(r) < sizeof buf) break;
                continue;
            }
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) break;
            process(p, slot, mono_ns());
            drop(p, true);
            return;
        }
        process(p, slot, mono_ns());
    }

    void process(Phone& p, std::size_t slot, std::int64_t now) {
        if (p.fd < 0) return;
        if (target_ == Target::kRaw) {
            while (raw_size_ > 0 && p.in.size() >= raw_size_) {
                record(p, broadcast_key(std::string_view(p.in).substr(0, raw_size_)), now, raw_size_);
                p.in.erase(0, raw_size_);
            }
            return;
        }
        if (p.state == State::kUpgrading) {
            const std::size_t end = p.in.find("\r\n\r\n");
            if (end == std::string::npos) return;
            if (p.in.compare(0, 12, "HTTP/1.1 101") != 0) {
                ++errors_;
                drop(p, false);
                return;
            }
            p.in.erase(0, end + 4);
            if (target_ == Target::kNode) {
                p.state = State::kOpen;
                handshake_done(true);
            } else {
                p.state = State::kHello;
                v1::ClientMessage hello;
                hello.set_request_id(1);
                hello.mutable_hello()->set_token(volunteer_token(secret_, p.index));
                hello.mutable_hello()->set_protocol_version(1);
                hello.mutable_hello()->set_availability(v1::AVAILABILITY_ON_DUTY);
                set_location(*hello.mutable_hello()->mutable_position(), phone_home(p.index, total_));
                frame_.clear();
                append_client_frame(frame_, WsOpcode::kBinary, hello.SerializeAsString());
                send(p, slot, frame_);
            }
        }
        std::size_t consumed = 0;
        for (;;) {
            bool error = false;
            const auto f = parse_server_frame(std::string_view(p.in).substr(consumed), error);
            if (error) {
                ++errors_;
                drop(p, false);
                return;
            }
            if (!f) break;
            consumed += f->size;
            on_frame(p, slot, *f, now);
            if (p.fd < 0) return;
        }
        p.in.erase(0, consumed);
    }

    void on_frame(Phone& p, std::size_t slot, const WsFrame& f, std::int64_t now) {
        switch (f.opcode) {
            case WsOpcode::kPing:
                frame_.clear();
                append_client_frame(frame_, WsOpcode::kPong, f.payload);
                send(p, slot, frame_);
                return;
            case WsOpcode::kPong:
                return;
            case WsOpcode::kClose:
                drop(p, true);
                return;
            default:
                break;
        }
        if (!f.fin || f.opcode == WsOpcode::kContinuation) {
            p.fragments.append(f.payload);
            if (!f.fin) return;
            const std::string whole = std::move(p.fragments);
            p.fragments.clear();
            on_message(p, slot, whole, now);
            return;
        }
        on_message(p, slot, f.payload, now);
    }

    void on_message(Phone& p, std::size_t slot, std::string_view data, std::int64_t now) {
        if (target_ == Target::kNode) {
            record(p, broadcast_key(data), now, data.size());
            return;
        }
        v1::ServerMessage m;
        if (!m.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
            ++errors_;
            return;
        }
        if (p.state == State::kHello) {
            if (m.has_welcome()) {
                p.state = State::kOpen;
                handshake_done(true);
            } else if (m.has_error()) {
                ++errors_;
                drop(p, false);
            }
            return;
        }
        const std::optional<api::PushRef> push = api::push_ref(m);
        if (!push) return;
        ++pushes_;
        if (m.has_alert()) record(p, "a:" + push->alert_id, now, data.size());
        if (m.has_alert_closed()) record(p, "c:" + push->alert_id, now, data.size());
        v1::ClientMessage ack;
        ack.mutable_ack()->set_seq(push->seq);
        frame_.clear();
        append_client_frame(frame_, WsOpcode::kBinary, ack.SerializeAsString());
        send(p, slot, frame_);
        ++acks_;
    }

    static std::string broadcast_key(std::string_view payload) {
        const std::size_t end = payload.find(';');
        return std::string(payload.substr(0, end == std::string_view::npos ? 0 : end));
    }

    void record(Phone& p, const std::string& key, std::int64_t now, std::size_t bytes) {
        arrivals_.record(p.seen, key, now, bytes);
    }

    // ---- positions ----
    void send_positions() {
        if (!positions_active_) return;
        const std::int64_t now = mono_ns();
        if (now >= positions_end_ns_) {
            finish_positions();
            return;
        }
        const double due_total = positions_rate_ * static_cast<double>(now - positions_start_ns_) / 1e9;
        auto due = static_cast<long long>(due_total) - static_cast<long long>(positions_sent_);
        if (phones_.empty()) return;
        std::size_t guard = 0;
        while (due > 0 && guard < phones_.size() * 2) {
            if (cursor_ >= phones_.size()) cursor_ = 0;
            const std::size_t slot = cursor_++;
            Phone& p = phones_[slot];
            ++guard;
            if (p.state != State::kOpen) continue;
            guard = 0;
            ++step_;
            const core::geo::LatLng home = phone_home(p.index, total_);
            const double jitter = static_cast<double>(step_ % 64) * 1e-5;
            v1::ClientMessage m;
            set_location(*m.mutable_position()->mutable_position(), {home.lat + jitter, home.lon});
            frame_.clear();
            append_client_frame(frame_, WsOpcode::kBinary, m.SerializeAsString());
            send(p, slot, frame_);
            ++positions_sent_;
            --due;
        }
    }

    void finish_positions() {
        if (!positions_active_) return;
        positions_active_ = false;
        reply("positions_done " + std::to_string(positions_sent_));
    }

    int control_fd_;
    std::string secret_;
    int epoll_ = -1;
    bool quit_ = false;
    std::string control_in_;
    std::string frame_;

    Target target_ = Target::kYihu;
    std::vector<std::uint16_t> ports_;
    std::uint16_t port_of(std::uint32_t index) const { return ports_[index % ports_.size()]; }
    std::uint32_t total_ = 1;
    std::size_t raw_size_ = 0;
    std::vector<Phone> phones_;
    std::deque<std::uint32_t> pending_;
    std::size_t in_flight_ = 0;
    bool connecting_ = false;
    std::int64_t connect_ok_ = 0, connect_failed_ = 0, connect_first_ns_ = 0, connect_last_ns_ = 0;
    std::int64_t last_progress_ns_ = 0;

    ArrivalLog arrivals_;
    std::int64_t closed_by_peer_ = 0, errors_ = 0, pushes_ = 0, acks_ = 0;

    bool positions_active_ = false;
    double positions_rate_ = 0;
    std::int64_t positions_start_ns_ = 0, positions_end_ns_ = 0;
    std::uint64_t positions_sent_ = 0, step_ = 0;
    std::size_t cursor_ = 0;
};

}  // namespace

int run_phone_worker(int control_fd, const std::string& secret) {
    Worker w(control_fd, secret);
    return w.run();
}

}  // namespace yihu::bench::load
