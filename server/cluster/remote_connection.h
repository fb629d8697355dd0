#pragma once

#include <memory>
#include <string>

#include "net/ws_connection.h"
#include "redis/redis_async.h"
#include "yihu/v1/cluster.pb.h"

namespace yihu::cluster {

// On the leader: a WebSocket that lives on another node (or on this one, through the same path). The hub writes to
// it as to a local socket; each frame and the close go out as ToNode messages on that node's channel, in the order
// written (one publishing connection, commands in call order). Backpressure is the holding node's business: its
// real socket has the byte cap.
class RemoteConnection final : public net::WsConnection {
  public:
    RemoteConnection(redis::AsyncConnection& publisher, std::string channel, std::string incarnation,
                     std::uint64_t session_id, std::uint64_t term, std::string remote)
        : publisher_(publisher),
          channel_(std::move(channel)),
          incarnation_(std::move(incarnation)),
          session_id_(session_id),
          term_(term),
          remote_(std::move(remote)) {}

    bool send(net::Frame frame) override {
        v1::ToNode m = envelope();
        m.mutable_frame()->set_session_id(session_id_);
        m.mutable_frame()->set_data(frame.assemble());
        m.mutable_frame()->set_binary(frame.binary);
        publish(m);
        return true;
    }
    void close(std::uint16_t code, std::string reason) override {
        v1::ToNode m = envelope();
        m.mutable_close()->set_session_id(session_id_);
        m.mutable_close()->set_code(code);
        m.mutable_close()->set_reason(std::move(reason));
        publish(m);
    }
    std::size_t queued_bytes() const override { return 0; }
    const std::string& remote() const override { return remote_; }

  private:
    v1::ToNode envelope() const {
        v1::ToNode m;
        m.set_leader_term(term_);
        m.set_target_incarnation(incarnation_);
        return m;
    }
    void publish(const v1::ToNode& m) { publisher_.command({"PUBLISH", channel_, m.SerializeAsString()}); }

    redis::AsyncConnection& publisher_;
    std::string channel_;
    std::string incarnation_;
    std::uint64_t session_id_;
    std::uint64_t term_;
    std::string remote_;
};

}  // namespace yihu::cluster
