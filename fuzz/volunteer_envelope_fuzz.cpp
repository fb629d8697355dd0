// libFuzzer: one volunteer WebSocket frame, as a stranger sends it, into a VolunteerSession: first to a fresh one
// (before Hello), then to one that a valid Hello has authenticated. The first input byte picks the frame's opcode
// (binary protobuf when odd, JSON text when even), which is what the session sees from the socket.
//
// Built by the "fuzz" preset; run with scripts/fuzz.sh.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const bool binary = (data[0] & 1) != 0;
    const std::string_view frame(reinterpret_cast<const char*>(data + 1), size - 1);
    yihu::fuzz::VolunteerHarness& harness = yihu::fuzz::VolunteerHarness::instance();
    harness.stranger(frame, binary);
    harness.authenticated(frame, binary);
    return 0;
}
