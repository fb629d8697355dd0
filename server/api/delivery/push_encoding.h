#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "yihu/v1/volunteer.pb.h"

namespace yihu::api {

// A push split into the part every recipient shares (the alert, its version, roles, a closing message), encoded once
// per alert version and delivery kind, and the per-recipient envelope (seq, distance, whether a response is asked,
// role), encoded per recipient in a few bytes.
//
// Protobuf: every push kind is one embedded message of ServerMessage, and the fields of one message may come in any
// order, so the recipient's bytes are the push field's tag and length, then the envelope's push fields, then the
// body's push fields (serialized once). The push's fields are written once each, in a single embedded message:
// decoders that replace rather than merge a repeated embedded message (protobuf.js does) read it whole. JSON: the
// envelope's object is opened, and the body's members follow it in the same object. Both are checked against the
// real decoders in tests/api/push_encoding_test.cpp and, for protobuf.js, by the JS client's tests.
class PushBody {
  public:
    // `body`: a ServerMessage with one push set (alert, alert_update, stand_down or alert_closed) and no
    // per-recipient field.
    explicit PushBody(const v1::ServerMessage& body);

    // The body's push fields, serialized once: every recipient's bytes end with these.
    const std::string& shared() const { return inner_; }
    // The JSON mapping of the body, produced on first use (only if a JSON phone gets the push), then kept.
    const std::string& json() const;

    // The whole push for one recipient. `envelope`: a ServerMessage with the same push set and only per-recipient
    // fields in it.
    std::string binary_for(const v1::ServerMessage& envelope) const;
    std::string json_for(const v1::ServerMessage& envelope) const;

  private:
    v1::ServerMessage body_;
    int field_ = 0;      // the push's field number in ServerMessage (0: the body is no push)
    std::string inner_;  // the body's push message, serialized without its tag and length
    mutable std::string json_;
};

using PushBodyPtr = std::shared_ptr<const PushBody>;

// Sets the seq of the push in `message` (whichever kind it is); nothing for a message that is not a push.
void set_push_seq(v1::ServerMessage& message, std::uint64_t seq);

// Converts a stored push (protobuf) to its JSON mapping, for a JSON phone that gets a push encoded before its session
// said JSON (a replay, a session replaced in the same batch).
std::string push_json_from_binary(const std::string& binary);

}  // namespace yihu::api
