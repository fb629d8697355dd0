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
// Protobuf: a serialized message followed by another serialized message of the same type parses as the two merged,
// and the push bodies are embedded messages, so envelope bytes + body bytes decode to the whole push. JSON: the
// envelope's object is opened, and the body's members follow it in the same object. Both are checked against the
// real decoders in tests/api/push_encoding_test.cpp.
class PushBody {
  public:
    // `body`: a ServerMessage with one push set (alert, alert_update, stand_down or alert_closed) and no
    // per-recipient field.
    explicit PushBody(const v1::ServerMessage& body);

    const std::string& binary() const { return binary_; }
    // The JSON mapping of the body, produced on first use (only if a JSON phone gets the push), then kept.
    const std::string& json() const;

    // The whole push for one recipient. `envelope`: a ServerMessage with the same push set and only per-recipient
    // fields in it.
    std::string binary_for(const v1::ServerMessage& envelope) const;
    std::string json_for(const v1::ServerMessage& envelope) const;

  private:
    v1::ServerMessage body_;
    std::string binary_;
    mutable std::string json_;
};

using PushBodyPtr = std::shared_ptr<const PushBody>;

// Sets the seq of the push in `message` (whichever kind it is); nothing for a message that is not a push.
void set_push_seq(v1::ServerMessage& message, std::uint64_t seq);

// Converts a stored push (protobuf) to its JSON mapping, for a JSON phone that gets a push encoded before its session
// said JSON (a replay, a session replaced in the same batch).
std::string push_json_from_binary(const std::string& binary);

}  // namespace yihu::api
