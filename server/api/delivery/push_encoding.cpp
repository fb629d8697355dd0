#include "api/delivery/push_encoding.h"

#include <bit>
#include <cstring>

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

// The protobuf wire format by hand for the envelope's few fields: a protobuf message object per recipient would cost
// more than the bytes it makes. tests/api/push_encoding_test.cpp checks the result against protobuf's own parser.
constexpr std::uint32_t kVarint = 0;
constexpr std::uint32_t kFixed64 = 1;
constexpr std::uint32_t kLengthDelimited = 2;

void append_varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

void append_tag(std::string& out, int field, std::uint32_t wire_type) {
    append_varint(out, (static_cast<std::uint64_t>(field) << 3) | wire_type);
}

// proto3: a field at its default value is not written.
void append_uint64(std::string& out, int field, std::uint64_t v) {
    if (v == 0) return;
    append_tag(out, field, kVarint);
    append_varint(out, v);
}

void append_bool(std::string& out, int field, bool v) {
    if (!v) return;
    append_tag(out, field, kVarint);
    out.push_back(1);
}

void append_double(std::string& out, int field, double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    if (bits == 0) return;
    append_tag(out, field, kFixed64);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));  // little-endian
}

void append_string(std::string& out, int field, const std::string& v) {
    if (v.empty()) return;
    append_tag(out, field, kLengthDelimited);
    append_varint(out, v.size());
    out.append(v);
}

// The envelope's fields of the push kind `field` (its field number in ServerMessage).
std::string envelope_fields(int field, const PushEnvelope& e) {
    std::string out;
    switch (field) {
        case v1::ServerMessage::kAlertFieldNumber:
            append_uint64(out, v1::AlertPush::kSeqFieldNumber, e.seq);
            append_double(out, v1::AlertPush::kDistanceMFieldNumber, e.distance_m);
            append_bool(out, v1::AlertPush::kResponseRequestedFieldNumber, e.response_requested);
            break;
        case v1::ServerMessage::kAlertUpdateFieldNumber:
            append_uint64(out, v1::AlertUpdate::kSeqFieldNumber, e.seq);
            append_double(out, v1::AlertUpdate::kDistanceMFieldNumber, e.distance_m);
            append_string(out, v1::AlertUpdate::kRoleFieldNumber, e.role);
            break;
        case v1::ServerMessage::kStandDownFieldNumber:
            append_uint64(out, v1::StandDown::kSeqFieldNumber, e.seq);
            break;
        case v1::ServerMessage::kAlertClosedFieldNumber:
            append_uint64(out, v1::AlertClosed::kSeqFieldNumber, e.seq);
            break;
        default:
            break;
    }
    return out;
}

}  // namespace

PushBody::PushBody(const v1::ServerMessage& body) : body_(body) {
    std::string inner;
    if (const google::protobuf::Message* part = push_part(body)) {
        field_ = static_cast<int>(body.body_case());  // a oneof case's value is its field number
        inner = part->SerializeAsString();
    } else {
        inner = body.SerializeAsString();  // no push: the message whole, with no head
    }
    inner_ = std::make_shared<const std::string>(std::move(inner));
}

void PushBody::make_json() const {
    const std::string body = to_json(body_);  // {"alert":{"alertId":...}}
    const std::size_t members = inner_start(body);
    json_open_ = body.substr(0, members);
    json_rest_ = std::make_shared<const std::string>(body.substr(members));
}

const std::shared_ptr<const std::string>& PushBody::json_rest() const {
    std::call_once(json_once_, [this] { make_json(); });
    return json_rest_;
}

std::string PushBody::binary_head(const PushEnvelope& envelope) const {
    if (field_ == 0) return {};
    const std::string fields = envelope_fields(field_, envelope);
    std::string out;
    out.reserve(fields.size() + 12);
    append_tag(out, field_, kLengthDelimited);
    append_varint(out, fields.size() + inner_->size());
    out.append(fields);
    return out;
}

std::string PushBody::json_head(const PushEnvelope& envelope) const {
    const std::string& rest = *json_rest();  // also makes json_open_
    if (field_ == 0) return json_open_;
    const std::string head = to_json(envelope_message(static_cast<v1::ServerMessage::BodyCase>(field_), envelope));
    const bool head_empty = head.size() >= 4 && head[head.size() - 3] == '{';  // {"alert":{}}
    if (head_empty) return json_open_;
    std::string out(head, 0, head.size() - 2);  // {"alert":{"seq":"7",...   (its closing "}}" dropped)
    const bool body_empty = rest.empty() || rest.front() == '}';
    if (!body_empty) out.push_back(',');
    return out;
}

std::string PushBody::binary(const PushEnvelope& envelope) const {
    std::string out = binary_head(envelope);
    out.append(*inner_);
    return out;
}

net::Frame PushFrame::frame(const std::shared_ptr<const PushFrame>& self, bool binary) {
    if (self->stored_) {
        if (binary) return net::Frame{self->stored_, true, nullptr};
        return net::Frame{nullptr, false, self};  // converted to JSON on the strand
    }
    return net::Frame{binary ? self->body_->shared() : self->body_->json_rest(), binary, self};
}

std::string PushFrame::binary() const {
    return stored_ ? *stored_ : body_->binary(envelope_);
}

std::string PushFrame::bytes(bool binary) const {
    if (stored_) return binary ? *stored_ : push_json_from_binary(*stored_);
    return binary ? body_->binary_head(envelope_) : body_->json_head(envelope_);
}

std::size_t PushFrame::size_hint() const {
    if (stored_) return stored_->size();
    return 24 + envelope_.role.size();  // tag, length, seq, distance, flag: the envelope's bytes at most
}

v1::ServerMessage envelope_message(v1::ServerMessage::BodyCase kind, const PushEnvelope& e) {
    v1::ServerMessage m;
    switch (kind) {
        case v1::ServerMessage::kAlert: {
            auto* p = m.mutable_alert();
            p->set_distance_m(e.distance_m);
            p->set_response_requested(e.response_requested);
            break;
        }
        case v1::ServerMessage::kAlertUpdate: {
            auto* p = m.mutable_alert_update();
            p->set_distance_m(e.distance_m);
            p->set_role(e.role);
            break;
        }
        case v1::ServerMessage::kStandDown:
            m.mutable_stand_down();
            break;
        case v1::ServerMessage::kAlertClosed:
            m.mutable_alert_closed();
            break;
        default:
            return m;
    }
    set_push_seq(m, e.seq);
    return m;
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
