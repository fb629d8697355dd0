#pragma once

// What the fuzz targets share: a VolunteerSession wired to connections and a hub link that only count, a fixed
// clock and a token signed for it.

#include <google/protobuf/stubs/logging.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "api/auth/token.h"
#include "api/codec/json_codec.h"
#include "api/gateway/gateway_context.h"
#include "api/gateway/volunteer_session.h"
#include "api/hub/hub_link.h"
#include "net/ws_connection.h"

namespace yihu::fuzz {

inline constexpr std::string_view kSecret = "fuzz-secret";
// 2026-01-01T00:00:00Z: tokens in the seed corpus are valid at this instant.
inline const core::Time kNow = core::time_from_ms(1'767'225'600'000);

class CountingConnection final : public net::WsConnection {
  public:
    bool send(net::Frame frame) override {
        bytes_ += frame.data ? frame.data->size() : 0;
        return !closed_;
    }
    void close(std::uint16_t, std::string) override { closed_ = true; }
    std::size_t queued_bytes() const override { return 0; }
    const std::string& remote() const override { return remote_; }

  private:
    std::size_t bytes_ = 0;
    bool closed_ = false;
    std::string remote_ = "fuzz";
};

// A hub that accepts everything and does nothing: the fuzzer is after the decoding on the I/O side.
class NullHubLink final : public api::HubLink {
  public:
    void volunteer_hello(api::Hub::Session, api::Claims, v1::Hello, std::uint64_t) override { ++hellos_; }
    void volunteer_message(api::Hub::Session, std::string, v1::ClientMessage) override {}
    void volunteer_closed(std::string, std::uint64_t) override {}
    void command(v1::HubCommand, api::CommandReply) override {}
    void feed_open(std::uint64_t, std::shared_ptr<net::WsConnection>, v1::LiveFeedSubscribe) override {}
    void feed_subscribe(std::uint64_t, v1::LiveFeedSubscribe) override {}
    void feed_closed(std::uint64_t) override {}

    std::size_t hellos() const { return hellos_; }

  private:
    std::size_t hellos_ = 0;
};

// A valid volunteer token at kNow.
inline std::string volunteer_token() {
    api::Claims c;
    c.subject = "v-fuzz";
    c.role = api::Role::kVolunteer;
    c.skills = {"swimmer"};
    c.issued_at = core::to_ms(kNow) / 1000;
    c.expires_at = c.issued_at + 3600;
    return api::sign_token(c, kSecret);
}

class VolunteerHarness {
  public:
    static VolunteerHarness& instance() {
        static VolunteerHarness harness;
        return harness;
    }

    // A fresh session: the frame is the first thing it sees.
    void stranger(std::string_view frame, bool binary) {
        api::VolunteerSession session(context_);
        session.on_open(std::make_shared<CountingConnection>());
        session.on_message(frame, binary);
        session.on_closed();
    }

    // A session after a valid Hello in the frame's encoding, as a phone speaking binary or JSON sends it.
    void authenticated(std::string_view frame, bool binary) {
        api::VolunteerSession session(context_);
        session.on_open(std::make_shared<CountingConnection>());
        session.on_message(binary ? hello_binary_ : hello_json_, binary);
        session.on_message(frame, binary);
        session.on_closed();
    }

  private:
    VolunteerHarness() {
        // Protobuf logs every string field with invalid UTF-8 it parses: millions of lines in a run, and slower.
        google::protobuf::SetLogHandler(nullptr);
        context_.hub = &hub_;
        context_.token_secret = std::string(kSecret);
        context_.clock = [] { return kNow; };
        v1::ClientMessage hello;
        hello.set_request_id(1);
        hello.mutable_hello()->set_token(volunteer_token());
        hello.mutable_hello()->set_protocol_version(1);
        hello_binary_ = hello.SerializeAsString();
        hello_json_ = api::to_json(hello);
        // Both Hellos must really authenticate, or "after a valid Hello" would fuzz the refusal path twice.
        for (const bool binary : {true, false}) {
            const std::size_t before = hub_.hellos();
            authenticated("", binary);
            if (hub_.hellos() != before + 1) {
                std::fprintf(stderr, "fuzz_support.h: the %s Hello did not authenticate\n", binary ? "binary" : "JSON");
                std::abort();
            }
        }
    }

    NullHubLink hub_;
    api::GatewayContext context_;
    std::string hello_binary_;
    std::string hello_json_;
};

}  // namespace yihu::fuzz
