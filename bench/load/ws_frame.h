#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yihu::bench::load {

// The client side of RFC 6455 framing, just what simulated phones need: masked frames up, unmasked frames down,
// no extensions. Written by hand so that one phone costs a socket and two small buffers, not a Beast stream.
enum class WsOpcode : std::uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

// Appends one masked frame (FIN set) carrying `payload` to `out`. The mask is fixed: it hides nothing from anyone on
// loopback and keeps the client's cost out of the measurement.
void append_client_frame(std::string& out, WsOpcode opcode, std::string_view payload);

struct WsFrame {
    WsOpcode opcode = WsOpcode::kBinary;
    bool fin = true;
    std::string_view payload;  // points into the buffer given to parse_server_frame
    std::size_t size = 0;      // header and payload: what to consume
};

// The first whole frame at the start of `in`, nullopt while it is incomplete. A masked frame from the server, or a
// length over 2^31, is a protocol error: `error` is set and nullopt returned.
std::optional<WsFrame> parse_server_frame(std::string_view in, bool& error);

// The upgrade request for `target` on 127.0.0.1:`port` with a fixed key (the server's accept value is not checked:
// a 101 is proof enough on loopback).
std::string upgrade_request(std::string_view target, std::uint16_t port);

}  // namespace yihu::bench::load
