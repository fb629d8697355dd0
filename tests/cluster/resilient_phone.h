#pragma once

// A phone that keeps itself connected (through a load balancer, usually): on any loss it reconnects after a short
// jittered pause (or the retry_after_ms a 1013 close names) and resumes from the last seq it saw, with the same
// Hello.instance_id every time, as the real app does. Records every push it receives and the
// close codes that ended its sessions. With `ping`, it also sends a Ping (a request with its own id) every 100 ms
// while welcomed, and checks the API's promise: one reply per request, unless the socket closed first.

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "api/codec/push_ref.h"
#include "cluster/cluster_harness.h"

namespace yihu::testing {

class ResilientPhone {
  public:
    ResilientPhone(std::uint16_t port, std::string id, core::geo::LatLng at, bool ping = false)
        : port_(port), id_(std::move(id)), at_(at), pinging_(ping), thread_([this] { run(); }) {}
    ~ResilientPhone() {
        stop_ = true;
        thread_.join();
    }

    // (alert id, version) -> the seqs that carried an AlertPush for it.
    std::map<std::pair<std::string, std::uint64_t>, std::set<std::uint64_t>> alerts() const {
        std::lock_guard lock(mutex_);
        return alerts_;
    }
    std::set<std::string> alert_ids() const {
        std::lock_guard lock(mutex_);
        std::set<std::string> out;
        for (const auto& [key, seqs] : alerts_) out.insert(key.first);
        return out;
    }
    int connects() const { return connects_.load(); }
    // Welcomes received: sessions the cluster accepted (a Hello closed with 1013 counts as a connect, not a welcome).
    int welcomes() const { return welcomes_.load(); }
    // The close code of every session that ended with a close frame, in order.
    std::vector<std::uint16_t> close_codes() const {
        std::lock_guard lock(mutex_);
        return close_codes_;
    }
    const std::string& id() const { return id_; }
    // SESSION_REPLACED errors received: the server said another copy of the app took this volunteer over.
    int replaced() const { return replaced_.load(); }
    // 1013 closes whose reason carried a retry_after_ms hint.
    int hinted_closes() const { return hinted_closes_.load(); }

    void stop_pinging() { pinging_ = false; }
    int pings_sent() const {
        std::lock_guard lock(mutex_);
        return static_cast<int>(answers_.size());
    }
    // Pings sent on the open socket and not answered yet.
    std::set<std::uint64_t> unanswered() const {
        std::lock_guard lock(mutex_);
        return open_;
    }
    // Request ids answered more than once, or answered though never sent on this session.
    std::vector<std::uint64_t> answered_twice() const {
        std::lock_guard lock(mutex_);
        std::vector<std::uint64_t> out;
        for (const auto& [request, count] : answers_) {
            if (count > 1) out.push_back(request);
        }
        return out;
    }
    // Pings whose socket closed before their reply: the phone resumes and asks again, as the API says.
    int ended_by_close() const {
        std::lock_guard lock(mutex_);
        return ended_by_close_;
    }

  private:
    void run() {
        std::mt19937 rng(std::hash<std::string>{}(id_));
        const std::string token = mint(kClusterSecret, api::Role::kVolunteer, id_, {"swimmer"});
        while (!stop_) {
            try {
                session(token);
            } catch (const std::exception&) {
                // refused or dropped: try again below
            }
            {
                std::lock_guard lock(mutex_);
                ended_by_close_ += static_cast<int>(open_.size());
                open_.clear();
            }
            // The server's hint, bounded so that a wrong one cannot stall a test.
            const int pause_ms = retry_after_ms_ > 0 ? std::min(retry_after_ms_, 5000) : 100 + int(rng() % 200);
            retry_after_ms_ = 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
        }
    }

    void session(const std::string& token) {
        auto ws = client::WsClient::connect("127.0.0.1", port_, "/v1/volunteer");
        ++connects_;
        v1::ClientMessage hello;
        hello.set_request_id(1);
        hello.mutable_hello()->set_token(token);
        hello.mutable_hello()->set_protocol_version(1);
        hello.mutable_hello()->set_last_seq(last_seq_);
        hello.mutable_hello()->set_last_epoch(epoch_);
        hello.mutable_hello()->set_availability(v1::AVAILABILITY_ON_DUTY);
        hello.mutable_hello()->set_instance_id(id_ + "-app");
        hello.mutable_hello()->mutable_position()->mutable_location()->set_latitude(at_.lat);
        hello.mutable_hello()->mutable_position()->mutable_location()->set_longitude(at_.lon);
        hello.mutable_hello()->mutable_position()->set_accuracy_m(10);
        ws->send(hello.SerializeAsString(), true);
        bool welcomed = false;
        auto next_ping = std::chrono::steady_clock::now();
        while (!stop_) {
            if (welcomed && pinging_ && std::chrono::steady_clock::now() >= next_ping) {
                v1::ClientMessage ping;
                ping.mutable_ping();
                {
                    std::lock_guard lock(mutex_);
                    ping.set_request_id(next_request_++);
                    open_.insert(ping.request_id());
                    answers_[ping.request_id()] = 0;
                }
                ws->send(ping.SerializeAsString(), true);
                next_ping += 100ms;
            }
            auto r = ws->receive(pinging_ ? 50ms : 200ms);
            if (!r) {
                if (ws->closed()) {
                    std::lock_guard lock(mutex_);
                    close_codes_.push_back(ws->close_code());
                    const std::string reason = ws->close_reason();
                    const auto hint = reason.find("retry_after_ms=");
                    if (ws->close_code() == 1013 && hint != std::string::npos) {
                        retry_after_ms_ = std::atoi(reason.c_str() + hint + 15);
                        ++hinted_closes_;
                    }
                    return;
                }
                continue;
            }
            v1::ServerMessage m;
            if (!m.ParseFromString(r->data)) continue;
            if (m.has_welcome()) {
                epoch_ = m.welcome().epoch();
                ++welcomes_;
                welcomed = true;
                next_ping = std::chrono::steady_clock::now();
                continue;
            }
            if (m.request_id() >= kFirstPing) {
                std::lock_guard lock(mutex_);
                ++answers_[m.request_id()];
                if (open_.erase(m.request_id()) == 0) ++answers_[m.request_id()];  // not asked on this socket
                continue;
            }
            if (m.has_error() && m.error().code() == v1::ERROR_CODE_SESSION_REPLACED) ++replaced_;
            if (m.has_error() && m.error().fatal()) return;
            const std::optional<api::PushRef> push = api::push_ref(m);
            if (!push) continue;
            if (m.has_alert()) {
                std::lock_guard lock(mutex_);
                alerts_[{push->alert_id, push->alert_version}].insert(push->seq);
            }
            last_seq_ = std::max(last_seq_, push->seq);
            v1::ClientMessage ack;
            ack.mutable_ack()->set_seq(push->seq);
            ws->send(ack.SerializeAsString(), true);
        }
    }

    static constexpr std::uint64_t kFirstPing = 1000;

    std::uint16_t port_;
    std::string id_;
    core::geo::LatLng at_;
    std::uint64_t last_seq_ = 0;
    std::string epoch_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> pinging_;
    std::atomic<int> connects_{0};
    std::atomic<int> welcomes_{0};
    std::atomic<int> replaced_{0};
    std::atomic<int> hinted_closes_{0};
    int retry_after_ms_ = 0;  // the phone thread's own
    std::vector<std::uint16_t> close_codes_;
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, std::uint64_t>, std::set<std::uint64_t>> alerts_;
    std::uint64_t next_request_ = kFirstPing;
    std::map<std::uint64_t, int> answers_;  // every ping sent -> replies it got
    std::set<std::uint64_t> open_;          // sent on the current socket, not answered yet
    int ended_by_close_ = 0;
    std::thread thread_;
};

}  // namespace yihu::testing
