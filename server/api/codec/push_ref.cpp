#include "api/codec/push_ref.h"

namespace yihu::api {

namespace {
template <class Push>
PushRef ref_of(const Push& p) {
    return PushRef{.seq = p.seq(), .alert_id = p.alert_id(), .alert_version = p.alert_version()};
}
}  // namespace

std::optional<PushRef> push_ref(const v1::ServerMessage& message) {
    switch (message.body_case()) {
        case v1::ServerMessage::kAlert:
            return ref_of(message.alert());
        case v1::ServerMessage::kAlertUpdate:
            return ref_of(message.alert_update());
        case v1::ServerMessage::kStandDown:
            return ref_of(message.stand_down());
        case v1::ServerMessage::kAlertClosed:
            return ref_of(message.alert_closed());
        default:
            return std::nullopt;
    }
}

}  // namespace yihu::api
