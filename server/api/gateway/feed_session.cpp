#include "api/gateway/feed_session.h"

#include "api/codec/json_codec.h"

namespace yihu::api {

FeedSession::FeedSession(GatewayContext& context, v1::LiveFeedSubscribe initial)
    : context_(context), initial_(std::move(initial)), id_(context.next_session++) {}

void FeedSession::on_open(std::shared_ptr<net::WsConnection> connection) {
    connection_ = connection;
    context_.hub->feed_open(id_, connection, initial_);
}

void FeedSession::on_message(std::string_view data, bool binary) {
    v1::LiveFeedSubscribe subscribe;
    core::Status parsed = binary ? core::make_error(core::ErrorCode::kInvalidArgument, "the feed speaks JSON text")
                                 : parse_json(data, subscribe);
    if (!parsed) {
        v1::ErrorBody error;
        error.set_code(v1::ERROR_CODE_MALFORMED_MESSAGE);
        error.set_message("expected a LiveFeedSubscribe in JSON: " + parsed.error().message);
        connection_->send(net::Frame{std::make_shared<const std::string>(to_json(error)), false});
        return;
    }
    context_.hub->feed_subscribe(id_, std::move(subscribe));
}

void FeedSession::on_closed() {
    context_.hub->feed_closed(id_);
}

}  // namespace yihu::api
