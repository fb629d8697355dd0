#include "ws_frame.h"

#include <gtest/gtest.h>

#include <string>

namespace yihu::bench::load {
namespace {

// A server frame as Beast writes it: FIN, opcode, unmasked length in 7, 16 or 64 bits.
std::string server_frame(WsOpcode opcode, const std::string& payload, bool fin = true) {
    std::string out;
    out.push_back(static_cast<char>((fin ? 0x80 : 0) | static_cast<unsigned>(opcode)));
    const std::size_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<char>(n));
    } else if (n <= 0xffff) {
        out.push_back(126);
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n & 0xff));
    } else {
        out.push_back(127);
        for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
    }
    return out + payload;
}

std::string unmask(const std::string& frame, std::size_t header) {
    const std::string mask = frame.substr(header - 4, 4);
    std::string payload = frame.substr(header);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ mask[i & 3]);
    return payload;
}

TEST(WsFrame, ClientFramesAreMaskedWithTheRightLengthForm) {
    for (const std::size_t n : {0UL, 5UL, 125UL, 126UL, 65535UL, 65536UL}) {
        const std::string payload(n, 'p');
        std::string frame;
        append_client_frame(frame, WsOpcode::kBinary, payload);
        ASSERT_GE(frame.size(), 6U);
        EXPECT_EQ(static_cast<unsigned char>(frame[0]), 0x82);
        const auto b1 = static_cast<unsigned char>(frame[1]);
        EXPECT_TRUE(b1 & 0x80) << "client frames must be masked";
        const std::size_t header = n < 126 ? 6 : n <= 0xffff ? 8 : 14;
        EXPECT_EQ(b1 & 0x7f, n < 126 ? n : n <= 0xffff ? 126U : 127U);
        ASSERT_EQ(frame.size(), header + n);
        EXPECT_EQ(unmask(frame, header), payload);
    }
}

TEST(WsFrame, ParsesServerFramesOfEveryLengthForm) {
    for (const std::size_t n : {0UL, 1UL, 125UL, 126UL, 300UL, 70000UL}) {
        const std::string payload(n, 'q');
        const std::string frame = server_frame(WsOpcode::kBinary, payload) + "next";
        bool error = true;
        const auto f = parse_server_frame(frame, error);
        ASSERT_TRUE(f.has_value()) << n;
        EXPECT_FALSE(error);
        EXPECT_EQ(f->opcode, WsOpcode::kBinary);
        EXPECT_TRUE(f->fin);
        EXPECT_EQ(f->payload, payload);
        EXPECT_EQ(f->size, frame.size() - 4);
    }
}

TEST(WsFrame, WaitsForTheWholeFrame) {
    const std::string frame = server_frame(WsOpcode::kText, std::string(300, 'r'));
    for (std::size_t cut = 0; cut < frame.size(); ++cut) {
        bool error = true;
        EXPECT_FALSE(parse_server_frame(std::string_view(frame).substr(0, cut), error).has_value()) << cut;
        EXPECT_FALSE(error) << cut;
    }
}

TEST(WsFrame, ReportsFragmentsAndControlFrames) {
    bool error = false;
    const std::string first = server_frame(WsOpcode::kBinary, "ab", false);
    const auto f = parse_server_frame(first, error);
    ASSERT_TRUE(f.has_value());
    EXPECT_FALSE(f->fin);
    const std::string ping = server_frame(WsOpcode::kPing, "x");
    const auto p = parse_server_frame(ping, error);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->opcode, WsOpcode::kPing);
    EXPECT_EQ(p->payload, "x");
}

TEST(WsFrame, AMaskedServerFrameIsAnError) {
    std::string frame = server_frame(WsOpcode::kBinary, "abc");
    frame[1] = static_cast<char>(frame[1] | 0x80);
    frame.insert(2, "\0\0\0\0", 4);
    bool error = false;
    EXPECT_FALSE(parse_server_frame(frame, error).has_value());
    EXPECT_TRUE(error);
}

TEST(WsFrame, UpgradeRequestNamesTheTargetAndHost) {
    const std::string r = upgrade_request("/v1/volunteer", 8123);
    EXPECT_EQ(r.rfind("GET /v1/volunteer HTTP/1.1\r\n", 0), 0U);
    EXPECT_NE(r.find("Host: 127.0.0.1:8123\r\n"), std::string::npos);
    EXPECT_NE(r.find("Upgrade: websocket\r\n"), std::string::npos);
    EXPECT_EQ(r.substr(r.size() - 4), "\r\n\r\n");
}

}  // namespace
}  // namespace yihu::bench::load
