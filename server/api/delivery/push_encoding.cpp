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

// The push message a ServerMessage carries, or nullptr.
const google::protobuf::Message* push_part(const v1::ServerMessage& m) {
    switch (m.body_case()) {
        case v1::ServerMessage::kAlert:
            return &m.alert();
        case v1::ServerMessage::kAlertUpdate:
            return &m.alert_update();
        case v1::ServerMessage::kStandDown:
            return &m.stand_down();
        case v1::ServerMessage::kAlertClosed:
            return &m.alert_closed();
        default:
            return nullptr;
    }
}

void append_varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

constexpr std::uint64_t kLengthDelimited = 2;

}  // namespace

PushBody::PushBody(const v1::ServerMessage& body) : body_(body) {
    if (const google::protobuf::Message* part = push_part(body)) {
        field_ = static_cast<int>(body.body_case());  // a oneof case's value is its field number
        inner_ = part->SerializeAsString();
    }
}

const std::string& PushBody::json() const {
    if (json_.empty()) json_ = to_json(body_);
    return json_;
}

std::string PushBody::binary_for(const v1::ServerMessage& envelope) const {
    const google::protobuf::Message* part = push_part(envelope);
    if (field_ == 0 || !part || static_cast<int>(envelope.body_case()) != field_) {
        v1::ServerMessage whole = body_;  // not a push, or an envelope of another kind: no sharing to do
        whole.MergeFrom(envelope);
        return whole.SerializeAsString();
    }
    const std::size_t head = part->ByteSizeLong();
    std::string out;
    out.reserve(head + inner_.size() + 12);
    append_varint(out, (static_cast<std::uint64_t>(field_) << 3) | kLengthDelimited);
    append_varint(out, head + inner_.size());
    const std::size_t at = out.size();
    out.resize(at + head);
    part->SerializeToArray(out.data() + at, static_cast<int>(head));
    out.append(inner_);
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
