#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "api/auth/token.h"
#include "common/ws_client.h"
#include "volunteer/placement.h"
#include "yihu/v1/volunteer.pb.h"

namespace yihu::sim {

using Clock = std::chrono::steady_clock;

// What every simulated phone shares; read-only while they run (except the counter of online phones).
struct PhoneSettings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::string secret;                        // signs each connection's fresh token
    bool json = false;                         // text frames (protobuf JSON) instead of binary protobuf
    double accept_probability = 0.3;           // per AlertPush that asks for an answer
    std::chrono::milliseconds reaction{3000};  // answers come after a random delay of up to this
    double walk_m_per_s = 0;                   // 0: stand still (the position is still refreshed every minute)
    std::chrono::milliseconds position_interval{5000};
    const Placement* area = nullptr;     // walkers stay inside it
    bool quiet = false;                  // no per-event lines (errors are still printed)
    bool connection_lines = true;        // a line per phone per disconnect/reconnect (off for big crowds)
    std::size_t id_width = 0;            // ids are padded to this, so event lines align
    std::atomic<int>* online = nullptr;  // phones with an open session (Welcome received)
};

// What one phone saw, summed over phones for the final summary.
struct Tally {
    std::uint64_t alerts = 0;       // distinct alerts pushed (a re-push after reconnecting is not counted again)
    std::uint64_t accepted = 0;     // accepts the server confirmed
    std::uint64_t declined = 0;     // declines the server confirmed
    std::uint64_t updates = 0;      // AlertUpdate pushes
    std::uint64_t stood_down = 0;   // StandDown pushes
    std::uint64_t closed = 0;       // AlertClosed pushes
    std::uint64_t reconnects = 0;   // sessions opened after the first
    std::uint64_t disconnects = 0;  // connections lost or refused
    std::uint64_t errors = 0;       // Error messages from the server

    Tally& operator+=(const Tally& other);
};

// One simulated volunteer's phone: a WebSocket session to /v1/volunteer that says Hello, acks every push, answers
// alerts after a human-like delay, walks and reports its position, pings when idle, and reconnects with backoff,
// resuming from its last seq, when the server drops it. Driven by step() from one thread; never throws.
class Phone {
  public:
    Phone(const PhoneSettings& settings, api::Claims claims, LatLon position, std::uint64_t seed);
    ~Phone();
    Phone(const Phone&) = delete;
    Phone& operator=(const Phone&) = delete;

    // Connects if due, sends what is due at `now` (answers, positions, pings), then handles what arrives within
    // about `wait` (at most a small batch of messages).
    void step(Clock::time_point now, std::chrono::milliseconds wait);
    // Closes the session politely (close handshake, bounded by `timeout`).
    void shut_down(std::chrono::milliseconds timeout);

    // True once the server said not to reconnect (session replaced elsewhere, bad token, unsupported version).
    bool gave_up() const { return gave_up_; }
    const Tally& tally() const { return tally_; }
    const api::Claims& claims() const { return claims_; }

  private:
    struct AlertMemory {
        bool answered = false;  // an answer was sent (or is pending): never answer twice
        bool finished = false;  // stood down or closed: a pending answer is dropped
    };
    struct PendingAnswer {
        Clock::time_point due;
        std::string alert_id;
        v1::ResponseKind kind;
    };

    void connect(Clock::time_point now);
    void send(v1::ClientMessage& message, Clock::time_point now);
    void send_due(Clock::time_point now);
    void handle(const v1::ServerMessage& message, Clock::time_point now);
    void handle_push(std::uint64_t seq, const std::string& alert_id, const v1::ServerMessage& message,
                     Clock::time_point now);
    void on_lost(Clock::time_point now, const std::string& why);
    void set_online(bool online);
    void say(const std::string& text) const;   // an event line, unless quiet
    void warn(const std::string& text) const;  // an error line, always
    std::chrono::milliseconds random_delay(std::chrono::milliseconds low, std::chrono::milliseconds high);

    const PhoneSettings& settings_;
    api::Claims claims_;
    LatLon position_;
    std::mt19937_64 rng_;
    RandomWalk walk_;
    std::string instance_id_;  // Hello.instance_id: the same on every reconnect of this phone

    std::unique_ptr<client::WsClient> ws_;
    bool welcomed_ = false;  // this connection's Welcome arrived
    bool online_ = false;    // counted in settings_.online
    bool ever_welcomed_ = false;
    bool gave_up_ = false;
    bool lost_reported_ = false;  // one line per outage, not one per failed attempt
    std::optional<v1::ErrorCode> fatal_code_;
    std::uint32_t retry_after_ms_ = 0;

    // Resumption: survives reconnections.
    std::uint64_t last_seq_ = 0;
    std::string epoch_;
    std::uint64_t welcome_seq_ = 0;  // pushes up to this seq on this connection are replays
    bool need_ack_ = false;

    std::uint64_t next_request_id_ = 1;
    std::map<std::uint64_t, PendingAnswer> answers_in_flight_;  // by request_id
    std::map<std::string, AlertMemory> alerts_;
    std::vector<PendingAnswer> answers_due_;

    Clock::time_point reconnect_at_{};
    std::chrono::milliseconds backoff_{0};
    Clock::time_point last_sent_{};
    std::chrono::milliseconds heartbeat_{25'000};
    Clock::time_point next_move_{};

    Tally tally_;
};

}  // namespace yihu::sim
