#include "ws_frame.h"

namespace yihu::bench::load {

namespace {
constexpr unsigned char kMask[4] = {0x37, 0xfa, 0x21, 0x3d};
}

void append_client_frame(std::string& out, WsOpcode opcode, std::string_view payload) {
    out.push_back(static_cast<char>(0x80 | static_cast<unsigned>(opcode)));
    const std::size_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<char>(0x80 | n));
    } else if (n <= 0xffff) {
        out.push_back(static_cast<char>(0x80 | 126));
        out.push_back(static_cast<char>((n >> 8) & 0xff));
        out.push_back(static_cast<char>(n & 0xff));
    } else {
        out.push_back(static_cast<char>(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
    }
    out.append(reinterpret_cast<const char*>(kMask), 4);
    const std::size_t start = out.size();
    out.append(payload);
    for (std::size_t i = 0; i < n; ++i) out[start + i] = static_cast<char>(out[start + i] ^ kMask[i & 3]);
}

std::optional<WsFrame> parse_server_frame(std::string_view in, bool& error) {
    error = false;
    if (in.size() < 2) return std::nullopt;
    const auto b0 = static_cast<unsigned char>(in[0]);
    const auto b1 = static_cast<unsigned char>(in[1]);
    if (b1 & 0x80) {
        error = true;
        return std::nullopt;
    }
    std::size_t header = 2;
    std::uint64_t length = b1 & 0x7f;
    if (length == 126) {
        if (in.size() < 4) return std::nullopt;
        length =
            (static_cast<std::uint64_t>(static_cast<unsigned char>(in[2])) << 8) | static_cast<unsigned char>(in[3]);
        header = 4;
    } else if (length == 127) {
        if (in.size() < 10) return std::nullopt;
        length = 0;
        for (int i = 2; i < 10; ++i)
            length = (length << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
        header = 10;
    }
    if (length > (1ULL << 31)) {
        error = true;
        return std::nullopt;
    }
    if (in.size() < header + length) return std::nullopt;
    WsFrame f;
    f.fin = (b0 & 0x80) != 0;
    f.opcode = static_cast<WsOpcode>(b0 & 0x0f);
    f.payload = in.substr(header, static_cast<std::size_t>(length));
    f.size = header + static_cast<std::size_t>(length);
    return f;
}

std::string upgrade_request(std::string_view target, std::uint16_t port) {
    std::string r = "GET ";
    r.append(target);
    r += " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
         "Sec-WebSocket-Version: 13\r\n\r\n";
    return r;
}

}  // namespace yihu::bench::load
