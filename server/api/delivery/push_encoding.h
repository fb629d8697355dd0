#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "net/ws_connection.h"
#include "yihu/v1/volunteer.pb.h"

namespace yihu::api {

// What one recipient's push says beyond the body every recipient shares. Which fields a kind carries: an alert
// push the distance and response_requested, an update the distance and role, a stand-down and a close the seq only
// (the others are left out of the encoding).
struct PushEnvelope {
    std::uint64_t seq = 0;
    double distance_m = 0;
    bool response_requested = false;
    std::string role;
};

// A push split into the part every recipient shares (the alert, its version, roles, a closing message), encoded once
// per alert version and delivery kind, and the per-recipient envelope (PushEnvelope), encoded per recipient in a few
// bytes: the recipient's message is head(envelope) followed by the shared bytes.
//
// Protobuf: every push kind is one embedded message of ServerMessage, and the fields of one message may come in any
// order, so the head is the push field's tag and length, then the envelope's push fields; the body's push fields
// (serialized once) follow. The push's fields are written once each, in a single embedded message: decoders that
// replace rather than merge a repeated embedded message (protobuf.js does) read it whole. JSON: the head opens the
// envelope's object, and the body's members follow in the same object. Both are checked against the real decoders in
// tests/api/push_encoding_test.cpp and, for protobuf.js, by the JS client's tests.
//
// Thread-safe once constructed: heads are made on the connections' strands, the JSON rest once, by the first JSON
// phone's frame.
class PushBody {
  public:
    // `body`: a ServerMessage with one push set (alert, alert_update, stand_down or alert_closed) and no
    // per-recipient field.
    explicit PushBody(const v1::ServerMessage& body);

    // The body's push fields, serialized once: every recipient's binary message ends with these.
    const std::shared_ptr<const std::string>& shared() const { return inner_; }
    // The rest of every recipient's JSON message: the body's JSON members and the closing braces. Made on first use
    // (only if a JSON phone gets the push), then kept.
    const std::shared_ptr<const std::string>& json_rest() const;

    // The bytes in front of shared() / json_rest() for one recipient.
    std::string binary_head(const PushEnvelope& envelope) const;
    std::string json_head(const PushEnvelope& envelope) const;
    // The whole binary message for one recipient (what the store holds): binary_head + shared.
    std::string binary(const PushEnvelope& envelope) const;

  private:
    void make_json() const;

    v1::ServerMessage body_;
    int field_ = 0;                             // the push's field number in ServerMessage (0: the body is no push)
    std::shared_ptr<const std::string> inner_;  // the body's push message, serialized without its tag and length
    mutable std::once_flag json_once_;
    mutable std::string json_open_;  // `{"alert":{`: the head of a recipient whose envelope has no field
    mutable std::shared_ptr<const std::string> json_rest_;
};

using PushBodyPtr = std::shared_ptr<const PushBody>;

// One push to one recipient as a connection writes it: the shared body and this recipient's envelope, assembled on
// the connection's strand (net::FrameHead), or, for a push read back from the history, its stored bytes. The same
// object serves the first write, every retry and a replay, so they all send the same bytes.
class PushFrame final : public net::FrameHead {
  public:
    PushFrame(PushBodyPtr body, PushEnvelope envelope) : body_(std::move(body)), envelope_(std::move(envelope)) {}
    // A push from the history: its whole serialized ServerMessage.
    explicit PushFrame(std::shared_ptr<const std::string> stored) : stored_(std::move(stored)) {}

    // The message for a connection in `binary` or JSON encoding; `self` is this frame (kept by the message).
    static net::Frame frame(const std::shared_ptr<const PushFrame>& self, bool binary);
    // The whole serialized ServerMessage (what the store holds and a binary phone reads).
    std::string binary() const;

    std::string bytes(bool binary) const override;
    std::size_t size_hint() const override;

  private:
    PushBodyPtr body_;
    PushEnvelope envelope_;
    std::shared_ptr<const std::string> stored_;
};

// The envelope as a ServerMessage with the push of `kind` set (the DeliveryKind's push) and only its per-recipient
// fields in it.
v1::ServerMessage envelope_message(v1::ServerMessage::BodyCase kind, const PushEnvelope& envelope);

// Sets the seq of the push in `message` (whichever kind it is); nothing for a message that is not a push.
void set_push_seq(v1::ServerMessage& message, std::uint64_t seq);

// Converts a stored push (protobuf) to its JSON mapping, for a JSON phone that gets a push encoded before its session
// said JSON (a replay, a session replaced in the same batch).
std::string push_json_from_binary(const std::string& binary);

}  // namespace yihu::api
