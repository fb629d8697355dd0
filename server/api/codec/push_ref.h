#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "yihu/v1/volunteer.pb.h"

namespace yihu::api {

// What every push to a phone carries, whichever kind it is (alert, update, stand-down, closed): its place in the
// volunteer's sequence (the phone acks it) and the alert version it is about (the phone dedupes by it).
struct PushRef {
    std::uint64_t seq = 0;
    std::string alert_id;
    std::uint64_t alert_version = 0;
};

// nullopt for a message that is not a push (Welcome, Error, Pong, RequestOk).
std::optional<PushRef> push_ref(const v1::ServerMessage& message);

}  // namespace yihu::api
