#include "volunteer/phone.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "api/codec/json_codec.h"
#include "api/codec/push_ref.h"
#include "tools/console.h"
#include "tools/token_source.h"
#include "tools/wire_text.h"

namespace yihu::sim {

namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t kProtocolVersion = 1;
constexpr std::chrono::milliseconds kConnectTimeout = 3s;
constexpr std::chrono::milliseconds kSendTimeout = 3s;
constexpr std::chrono::milliseconds kFirstBackoff = 500ms;
constexpr std::chrono::milliseconds kMaxBackoff = 30s;
constexpr std::chrono::hours kTokenLifetime{12};
constexpr int kMaxMessagesPerStep = 16;  // so one busy phone cannot starve the others on its thread
constexpr double kReportedAccuracyM = 10;
constexpr std::chrono::milliseconds kStillRefresh = 60s;  // what a phone's GPS typically claims outdoors

// Codes after which the protocol says not to reconnect; UNAUTHENTICATED joins them here because a token this tool
// signed with a wrong secret will not become right by retrying.
bool never_retry(v1::ErrorCode code) {
    return code == v1::ERROR_CODE_SESSION_REPLACED || code == v1::ERROR_CODE_UNSUPPORTED_VERSION ||
           code == v1::ERROR_CODE_FORBIDDEN_ROLE || code == v1::ERROR_CODE_UNAUTHENTICATED;
}

void set_location(LatLon where, v1::Position* out) {
    out->mutable_location()->set_latitude(where.latitude);
    out->mutable_location()->set_longitude(where.longitude);
    out->set_accuracy_m(kReportedAccuracyM);
    *out->mutable_observed_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
}

}  // namespace

Tally& Tally::operator+=(const Tally& o) {
    alerts += o.alerts;
    accepted += o.accepted;
    declined += o.declined;
    updates += o.updates;
    stood_down += o.stood_down;
    closed += o.closed;
    reconnects += o.reconnects;
    disconnects += o.disconnects;
    errors += o.errors;
    return *this;
}

Phone::Phone(const PhoneSettings& settings, api::Claims claims, LatLon position, std::uint64_t seed)
    : settings_(settings),
      claims_(std::move(claims)),
      position_(position),
      rng_(seed),
      walk_(std::uniform_real_distribution<double>(0, 6.283185307179586)(rng_)),
      instance_id_(std::to_string(std::uniform_int_distribution<std::uint64_t>()(rng_))) {}

Phone::~Phone() {
    set_online(false);
}

void Phone::say(const std::string& text) const {
    if (settings_.quiet) return;
    std::string line = claims_.subject;
    line.resize(std::max(line.size(), settings_.id_width), ' ');
    tools::print_line(line + "  " + text);
}

void Phone::warn(const std::string& text) const {
    std::string line = claims_.subject;
    line.resize(std::max(line.size(), settings_.id_width), ' ');
    tools::print_error(line + "  " + text);
}

std::chrono::milliseconds Phone::random_delay(std::chrono::milliseconds low, std::chrono::milliseconds high) {
    if (high <= low) return low;
    return std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(low.count(), high.count())(rng_));
}

void Phone::set_online(bool online) {
    if (online == online_) return;
    online_ = online;
    if (settings_.online) *settings_.online += online ? 1 : -1;
}

void Phone::step(Clock::time_point now, std::chrono::milliseconds wait) {
    if (gave_up_) return;
    if (!ws_) {
        if (now < reconnect_at_) return;
        connect(now);
        if (!ws_) return;
    }
    send_due(now);
    for (int i = 0; i < kMaxMessagesPerStep && ws_; ++i) {
        // After the first message, only what is already arriving: the phone's share of the thread's time is spent.
        auto received = ws_->receive(i == 0 ? wait : 1ms);
        if (!received) break;
        v1::ServerMessage message;
        const bool parsed = received->binary ? message.ParseFromString(received->data)
                                             : api::parse_json(received->data, message, true).ok();
        if (!parsed) {
            ++tally_.errors;
            warn(std::string("UNREADABLE ") + (received->binary ? "binary" : "text") + " frame of " +
                 std::to_string(received->data.size()) + " bytes");
            continue;
        }
        handle(message, now);
    }
    if (!ws_) return;
    if (ws_->closed()) {
        // A 1013 (try again later) names when to come back (docs/api.md); the backoff waits at least that.
        const std::string reason = ws_->close_reason();
        if (const auto hint = reason.find("retry_after_ms="); ws_->close_code() == 1013 && hint != std::string::npos) {
            retry_after_ms_ = static_cast<std::uint32_t>(std::min(60000L, std::atol(reason.c_str() + hint + 15)));
        }
        on_lost(now, "closed by the server (" + std::to_string(ws_->close_code()) +
                         tools::optional_part(" ", ws_->close_reason()) + ")");
        return;
    }
    if (need_ack_ && welcomed_) {
        // One cumulative ack for everything handled in this step.
        need_ack_ = false;
        v1::ClientMessage ack;
        ack.mutable_ack()->set_seq(last_seq_);
        send(ack, now);
    }
}

void Phone::connect(Clock::time_point now) {
    welcomed_ = false;
    need_ack_ = false;
    fatal_code_.reset();
    retry_after_ms_ = 0;
    try {
        ws_ = client::WsClient::connect(settings_.host, settings_.port, "/v1/volunteer", kConnectTimeout);
    } catch (const client::WsUpgradeRefused& e) {
        on_lost(now, "upgrade refused with HTTP " + std::to_string(e.status()) + " " + e.body());
        return;
    } catch (const std::exception& e) {
        on_lost(now, e.what());
        return;
    }
    v1::ClientMessage m;
    m.set_request_id(next_request_id_++);
    v1::Hello* hello = m.mutable_hello();
    // A fresh token per connection: a long simulation outlives any one token, and TOKEN_EXPIRED then heals itself.
    hello->set_token(tools::mint_token(claims_, settings_.secret, kTokenLifetime));
    hello->set_client_version("yihu-volunteer/0.1");
    hello->set_protocol_version(kProtocolVersion);
    hello->set_last_seq(last_seq_);
    if (last_seq_ > 0) hello->set_last_epoch(epoch_);
    set_location(position_, hello->mutable_position());
    hello->set_availability(v1::AVAILABILITY_ON_DUTY);
    hello->set_instance_id(instance_id_);
    send(m, now);
}

void Phone::send(v1::ClientMessage& message, Clock::time_point now) {
    if (!ws_) return;
    try {
        if (settings_.json) {
            ws_->send(api::to_json(message), false, kSendTimeout);
        } else {
            ws_->send(message.SerializeAsString(), true, kSendTimeout);
        }
        last_sent_ = now;
    } catch (const std::exception& e) {
        on_lost(now, e.what());
    }
}

void Phone::send_due(Clock::time_point now) {
    if (!welcomed_) return;
    for (std::size_t i = 0; i < answers_due_.size() && ws_;) {
        if (answers_due_[i].due > now) {
            ++i;
            continue;
        }
        PendingAnswer answer = std::move(answers_due_[i]);
        answers_due_.erase(answers_due_.begin() + static_cast<std::ptrdiff_t>(i));
        if (alerts_[answer.alert_id].finished) continue;  // stood down or closed while "thinking"
        v1::ClientMessage m;
        const std::uint64_t request_id = next_request_id_++;
        m.set_request_id(request_id);
        m.mutable_respond()->set_alert_id(answer.alert_id);
        m.mutable_respond()->set_kind(answer.kind);
        set_location(position_, m.mutable_respond()->mutable_position());
        answers_in_flight_[request_id] = answer;
        send(m, now);
    }
    if (!ws_) return;
    if (now >= next_move_) {
        // Walkers report every interval; a phone standing still still reports now and then, because the server
        // forgets positions older than its position_max_age (10 min by default) and would stop matching it.
        const bool walking = settings_.walk_m_per_s > 0;
        const auto interval =
            walking ? settings_.position_interval : std::max(settings_.position_interval, kStillRefresh);
        next_move_ = now + interval;
        if (walking) {
            const double seconds = std::chrono::duration<double>(interval).count();
            position_ = walk_.step(position_, settings_.walk_m_per_s * seconds, *settings_.area, rng_);
        }
        v1::ClientMessage m;  // request_id 0: no reply wanted, as phones send positions
        set_location(position_, m.mutable_position()->mutable_position());
        send(m, now);
        if (!ws_) return;
    }
    if (now - last_sent_ >= heartbeat_) {
        v1::ClientMessage m;
        m.set_request_id(next_request_id_++);
        *m.mutable_ping()->mutable_sent_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
        send(m, now);
    }
}

void Phone::handle(const v1::ServerMessage& message, Clock::time_point now) {
    switch (message.body_case()) {
        case v1::ServerMessage::kWelcome: {
            const v1::Welcome& w = message.welcome();
            welcomed_ = true;
            // Not recovered: the pushes we missed are gone, and every still-open alert is pushed again after
            // current_seq; count from there.
            if (!w.recovered()) last_seq_ = w.current_seq();
            epoch_ = w.epoch();
            welcome_seq_ = w.current_seq();
            const auto heartbeat = std::chrono::milliseconds(
                google::protobuf::util::TimeUtil::DurationToMilliseconds(w.heartbeat_interval()));
            heartbeat_ = heartbeat > 0ms ? heartbeat : 25s;
            backoff_ = 0ms;
            if (next_move_ == Clock::time_point{}) {
                // Spread the phones' position updates over the interval instead of sending them all at once.
                next_move_ = now + random_delay(0ms, settings_.position_interval);
            }
            if (ever_welcomed_) {
                ++tally_.reconnects;
                if (settings_.connection_lines) {
                    say(std::string("RECONNECTED") + (w.recovered() ? " (resumed after seq " : " (fresh, seq ") +
                        std::to_string(w.recovered() ? last_seq_ : w.current_seq()) + ")");
                }
            }
            ever_welcomed_ = true;
            lost_reported_ = false;
            set_online(true);
            break;
        }
        case v1::ServerMessage::kAlert:
        case v1::ServerMessage::kAlertUpdate:
        case v1::ServerMessage::kStandDown:
        case v1::ServerMessage::kAlertClosed: {
            const api::PushRef push = *api::push_ref(message);
            handle_push(push.seq, push.alert_id, message, now);
            break;
        }
        case v1::ServerMessage::kError: {
            const v1::Error& e = message.error();
            ++tally_.errors;
            const std::string what = tools::short_name(e.code()) + ": " + e.message() + (e.fatal() ? " (fatal)" : "");
            if (auto it = answers_in_flight_.find(message.request_id());
                message.request_id() != 0 && it != answers_in_flight_.end()) {
                warn(tools::short_name(it->second.kind) + " " + it->second.alert_id + " FAILED " + what);
                answers_in_flight_.erase(it);
            } else {
                warn("ERROR " + what);
            }
            if (e.fatal()) {
                fatal_code_ = e.code();
                retry_after_ms_ = e.retry_after_ms();
            }
            break;
        }
        case v1::ServerMessage::kOk: {
            auto it = answers_in_flight_.find(message.request_id());
            if (message.request_id() == 0 || it == answers_in_flight_.end()) break;
            if (it->second.kind == v1::RESPONSE_KIND_ACCEPT) {
                ++tally_.accepted;
                const std::string& role = message.ok().role();
                say("ACCEPTED " + it->second.alert_id + (role.empty() ? "" : " role=" + role));
            } else {
                ++tally_.declined;
                say("DECLINED " + it->second.alert_id);
            }
            answers_in_flight_.erase(it);
            break;
        }
        default:
            break;  // Pong, and bodies newer than this tool
    }
}

void Phone::handle_push(std::uint64_t seq, const std::string& alert_id, const v1::ServerMessage& message,
                        Clock::time_point now) {
    need_ack_ = true;  // acked even when it is a resend we already handled, so the server stops resending
    // Seqs only grow (replays after a resume start above our last_seq), so anything at or below it was handled.
    if (seq <= last_seq_) return;
    last_seq_ = seq;
    const std::string replay = seq <= welcome_seq_ ? ", replayed" : "";
    AlertMemory& memory = alerts_[alert_id];
    switch (message.body_case()) {
        case v1::ServerMessage::kAlert: {
            const v1::AlertPush& p = message.alert();
            const bool seen_before = memory.answered || memory.finished;
            if (!seen_before) ++tally_.alerts;
            say("ALERT " + alert_id + " " + tools::quoted(p.alert().title()) + " " + tools::metres(p.distance_m()) +
                " (seq " + std::to_string(seq) + replay + (p.response_requested() ? "" : ", observe only") + ")");
            if (p.response_requested() && !memory.answered && !memory.finished) {
                memory.answered = true;
                const bool accept = std::bernoulli_distribution(settings_.accept_probability)(rng_);
                // People take a moment to read and decide; declining is no faster than accepting.
                answers_due_.push_back(PendingAnswer{now + random_delay(settings_.reaction / 6, settings_.reaction),
                                                     alert_id,
                                                     accept ? v1::RESPONSE_KIND_ACCEPT : v1::RESPONSE_KIND_DECLINE});
            }
            break;
        }
        case v1::ServerMessage::kAlertUpdate: {
            const v1::AlertUpdate& u = message.alert_update();
            ++tally_.updates;
            say("UPDATE " + alert_id + " v" + std::to_string(u.alert_version()) + " " +
                tools::quoted(u.alert().title()) + " " + tools::metres(u.distance_m()) +
                (u.role().empty() ? "" : " role=" + u.role()) + " (seq " + std::to_string(seq) + replay + ")");
            break;
        }
        case v1::ServerMessage::kStandDown:
            ++tally_.stood_down;
            memory.finished = true;
            say("STAND DOWN " + alert_id +
                (message.stand_down().reason().empty()
                     ? std::string()
                     : tools::optional_part(" ", tools::quoted(message.stand_down().reason()))));
            break;
        case v1::ServerMessage::kAlertClosed: {
            const v1::AlertClosed& c = message.alert_closed();
            ++tally_.closed;
            memory.finished = true;
            say("CLOSED " + alert_id + " " + tools::short_name(c.final_state()) +
                (c.message().empty() ? std::string() : tools::optional_part(" ", tools::quoted(c.message()))));
            break;
        }
        default:
            break;
    }
}

void Phone::on_lost(Clock::time_point now, const std::string& why) {
    if (ws_) {
        ws_->abort();
        ws_.reset();
    }
    welcomed_ = false;
    set_online(false);
    // Answers whose reply never came: the server may or may not have them; the alert is not answered again.
    answers_in_flight_.clear();
    if (fatal_code_ && never_retry(*fatal_code_)) {
        gave_up_ = true;
        warn("GAVE UP: the server said " + tools::short_name(*fatal_code_) + "; not reconnecting");
        return;
    }
    ++tally_.disconnects;
    backoff_ = backoff_ == 0ms ? kFirstBackoff : std::min(backoff_ * 2, kMaxBackoff);
    // Jitter, so a server restart is not met by every phone at the same instant.
    std::chrono::milliseconds delay = random_delay(backoff_ / 2, backoff_);
    delay = std::max(delay, std::chrono::milliseconds(retry_after_ms_));
    reconnect_at_ = now + delay;
    if (settings_.connection_lines && !lost_reported_) {
        warn("DISCONNECTED: " + why + "; retrying in " + std::to_string(delay.count()) + " ms");
    }
    lost_reported_ = true;
}

void Phone::shut_down(std::chrono::milliseconds timeout) {
    if (ws_ && !ws_->closed()) {
        try {
            ws_->close(1000, timeout);
        } catch (const std::exception&) {
            // Closing politely is a courtesy; the process is ending anyway.
        }
    }
    ws_.reset();
    set_online(false);
}

}  // namespace yihu::sim
