// CAP imports on the hub thread (POST /v1/cap/alerts): the gateway read and mapped the CAP document; the hub's CAP
// book decides what the message does, and it runs as the dispatcher command it stands for.

#include "api/codec/hub_result.h"
#include "api/codec/time_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

namespace {

using Kind = federation::CapBook::Decision::Kind;

// The stored form of a decision: fixed numbers, independent of the enum's order.
std::uint8_t stored(Kind kind) {
    switch (kind) {
        case Kind::kCreate:
            return 0;
        case Kind::kUpdate:
            return 1;
        case Kind::kCancel:
            return 2;
        case Kind::kStale:
            return 3;
        case Kind::kDuplicate:
            break;
    }
    return 4;
}

std::optional<Kind> from_stored(std::uint8_t value) {
    switch (value) {
        case 0:
            return Kind::kCreate;
        case 1:
            return Kind::kUpdate;
        case 2:
            return Kind::kCancel;
        case 3:
            return Kind::kStale;
        default:
            return std::nullopt;
    }
}

federation::CapKey key_of(const v1::CapKey& k) {
    return federation::CapKey{k.sender(), k.identifier()};
}

}  // namespace

Hub::Outcome Hub::on(const v1::ImportCap& c, const v1::Caller& caller) {
    // What the book looks at; the rest of the message is already in the typed request.
    federation::ImportedCap m;
    m.key = key_of(c.key());
    switch (c.msg_type()) {
        case v1::ImportCap::MSG_TYPE_ALERT:
            m.type = federation::CapMsgType::kAlert;
            break;
        case v1::ImportCap::MSG_TYPE_UPDATE:
            m.type = federation::CapMsgType::kUpdate;
            break;
        case v1::ImportCap::MSG_TYPE_CANCEL:
            m.type = federation::CapMsgType::kCancel;
            break;
        default:
            return {error_result(v1::ERROR_CODE_INVALID_ARGUMENT, "msg_type: ALERT, UPDATE or CANCEL")};
    }
    for (const v1::CapKey& r : c.references()) m.references.push_back(federation::CapReference{key_of(r), {}});
    m.sent = from_proto(c.sent());
    auto decision = cap_book_.decide(m);
    if (!decision) return {error_result(decision.error())};

    Outcome out;
    switch (decision->kind) {
        case Kind::kDuplicate:
        case Kind::kStale: {
            // After the commit too: the alert may have been imported in this very batch.
            out = committed_alert(decision->alert_id);
            break;
        }
        case Kind::kCreate: {
            v1::CreateAlert create;
            *create.mutable_request() = c.create();
            out = on(create, caller);
            break;
        }
        case Kind::kUpdate: {
            v1::UpdateAlert update;
            *update.mutable_request() = c.update();
            update.mutable_request()->set_alert_id(decision->alert_id);
            out = on(update, caller);
            break;
        }
        case Kind::kCancel: {
            v1::CloseAlert close;
            close.set_alert_id(decision->alert_id);
            close.set_final_state(v1::ALERT_STATE_CANCELLED);
            close.set_message(c.cancel_reason());
            out = on(close, caller);
            break;
        }
    }
    if (out.result.has_error()) return out;
    if (auto entry = cap_book_.record(m, *decision, out.result.alert().id())) {
        batch_.cap_messages.push_back(store::CapMessageRecord{.sender = entry->key.sender,
                                                              .identifier = entry->key.identifier,
                                                              .alert_id = entry->alert_id,
                                                              .decision = stored(entry->kind),
                                                              .sent = entry->sent});
    }
    out.after_commit = true;
    return out;
}

core::Status Hub::restore_cap_book() {
    cap_book_.clear();
    auto records = store_->load_cap_messages();
    if (!records) return records.error();
    for (const store::CapMessageRecord& r : *records) {
        const auto kind = from_stored(r.decision);
        if (!kind) {
            return core::make_error(core::ErrorCode::kInternal,
                                    "stored CAP message " + r.sender + "," + r.identifier + " has an unknown decision");
        }
        cap_book_.restore(federation::CapBook::Entry{{r.sender, r.identifier}, *kind, r.alert_id, r.sent});
    }
    return core::Status::Ok();
}

}  // namespace yihu::api
