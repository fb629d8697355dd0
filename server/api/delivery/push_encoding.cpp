#include "api/delivery/push_encoding.h"

#include "api/codec/json_codec.h"

namespace yihu::api {

namespace {

// `{"alert":{...}}` -> the offset of the inner object's first member (just past its '{'). Field names hold no '{'.
std::size_t inner_start(const std::string& json) {
    const std::size_t outer = json.find('{');
    const std::size_t inner = json.find('{', outer + 1);
    return inner == std::string::npos ? json.size() : inner + 1;
}

}  // namespace

PushBody::PushBody(const v1::ServerMessage& body) : body_(body), binary_(body.SerializeAsString()) {}

const std::string& PushBody::json() const {
    if (json_.empty()) json_ = to_json(body_);
    return json_;
}

std::string PushBody::binary_for(const v1::ServerMessage& envelope) const {
    std::string out;
    const std::size_t head = envelope.ByteSizeLong();
    out.resize(head);
    envelope.SerializeToArray(out.data(), static_cast<int>(head));
    out.append(binary_);
    return out;
}

std::string PushBody::json_for(const v1::ServerMessage& envelope) const {
    const std::string head = to_json(envelope);  // {"alert":{"seq":"7",...}}
    const std::string& body = json();            // {"alert":{"alertId":...}}
    const std::size_t members = inner_start(body);
    const bool body_empty = members >= body.size() || body[members] == '}';
    const bool head_empty = head.size() >= 4 && head[head.size() - 3] == '{';
    if (body_empty) return head;
    if (head_empty) return body;
    std::string out;
    out.reserve(head.size() + body.size());
    out.append(head, 0, head.size() - 2);  // drop the closing "}}" of the envelope
    out.push_back(',');
    out.append(body, members, std::string::npos);
    return out;
}

void set_push_seq(v1::ServerMessage& m, std::uint64_t seq) {
    switch (m.body_case()) {
        case v1::ServerMessage::kAlert:
            m.mutable_alert()->set_seq(seq);
            break;
        case v1::ServerMessage::kAlertUpdate:
            m.mutable_alert_update()->set_seq(seq);
            break;
        case v1::ServerMessage::kStandDown:
            m.mutable_stand_down()->set_seq(seq);
            break;
        case v1::ServerMessage::kAlertClosed:
            m.mutable_alert_closed()->set_seq(seq);
            break;
        default:
            break;
    }
}

std::string push_json_from_binary(const std::string& binary) {
    v1::ServerMessage m;
    m.ParseFromString(binary);
    return to_json(m);
}

}  // namespace yihu::api
