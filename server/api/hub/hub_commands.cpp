// Commands on the hub thread: one handler per HubCommand case (hub_commands_alerts.cpp, _queries.cpp, _devices.cpp),
// and the views of an alert that their results carry. Nothing here knows how a command arrived.

#include "api/codec/alert_view.h"
#include "api/codec/hub_result.h"
#include "api/hub/hub.h"

namespace yihu::api {

void Hub::execute(const v1::HubCommand& command, CommandReply reply) {
    Outcome out = run(command);
    if (!out.after_commit || out.result.has_error()) return reply(std::move(out.result));
    // The dispatcher is never told "done" about something a crash could lose.
    after_commit([reply = std::move(reply), result = std::move(out.result)](bool durable) mutable {
        reply(durable ? std::move(result) : error_result(v1::ERROR_CODE_UNAVAILABLE, "the change could not be stored"));
    });
}

Hub::Outcome Hub::run(const v1::HubCommand& c) {
    using Body = v1::HubCommand::BodyCase;
    const v1::Caller& caller = c.caller();
    // No default: a new case in HubCommand without a handler here does not compile (-Wswitch).
    switch (c.body_case()) {
        case Body::kCreateAlert:
            return on(c.create_alert(), caller);
        case Body::kUpdateAlert:
            return on(c.update_alert(), caller);
        case Body::kCloseAlert:
            return on(c.close_alert(), caller);
        case Body::kConfirmSighting:
            return on(c.confirm_sighting(), caller);
        case Body::kGetAlert:
            return on(c.get_alert(), caller);
        case Body::kListAlerts:
            return on(c.list_alerts(), caller);
        case Body::kListRecipients:
            return on(c.list_recipients(), caller);
        case Body::kListResponses:
            return on(c.list_responses(), caller);
        case Body::kListAudit:
            return on(c.list_audit(), caller);
        case Body::kPutDevice:
            return on(c.put_device(), caller);
        case Body::kListDevices:
            return on(c.list_devices(), caller);
        case Body::kTriggerDevice:
            return on(c.trigger_device(), caller);
        case Body::kImportCap:
            return on(c.import_cap(), caller);
        case Body::kGetDevice:
            return on(c.get_device(), caller);
        case Body::kForwardAlert:
            return on(c.forward_alert(), caller);
        case Body::kReceivePeerEnvelope:
            return on(c.receive_peer_envelope(), caller);
        case Body::kPeerAcknowledged:
            return on(c.peer_acknowledged(), caller);
        case Body::kPeerLinkChanged:
            return on(c.peer_link_changed(), caller);
        case Body::BODY_NOT_SET:
            break;
    }
    return {error_result(v1::ERROR_CODE_UNKNOWN_MESSAGE_TYPE, "a command with no body, or one this hub does not know")};
}

Hub::Outcome Hub::committed_alert(core::AlertNumber number, bool created) const {
    Outcome out;
    fill_alert(*engine_.find(number), false, out.result.mutable_alert());
    out.result.set_created(created);
    out.after_commit = true;
    return out;
}

const AlertExtras& Hub::extras(core::AlertNumber number) const {
    static const AlertExtras kNone;
    auto it = extras_.find(number);
    return it == extras_.end() ? kNone : it->second;
}

void Hub::fill_alert(const core::Alert& a, bool for_volunteer, v1::Alert* out, bool bounded) const {
    to_proto(a, extras(a.number), Names{skills_, teams_, volunteers_}, for_volunteer, out,
             bounded ? options_.push_outline_vertices : 0);
}

void Hub::fill_detail(const AlertView& view, v1::AlertDetail* out) const {
    const core::Alert& a = *view.alert;
    to_proto(a, *view.extras, Names{skills_, teams_, volunteers_}, false, out->mutable_alert(), 0);
    *out->mutable_counts() = counts(view);
    // What neighbouring cities reported about their own volunteers (counts only).
    for (const auto& [city, c] : view.extras->federation.peer_counts()) (*out->mutable_peer_counts())[city] = c;
}

v1::AlertCounts Hub::counts(const AlertView& view) const {
    const core::Alert& a = *view.alert;
    v1::AlertCounts out;
    auto* c = &out;
    c->set_notified(static_cast<std::uint32_t>(a.recipients.size()));
    for (const auto& [v, r] : a.recipients) {
        if (view.marks) {
            if (auto m = view.marks->find(v); m != view.marks->end() && m->second.acked_at != core::Time{}) {
                c->set_acked(c->acked() + 1);
            }
        }
        if (r.accepted) c->set_accepted(c->accepted() + 1);
        if (r.last_response == core::ResponseKind::kDecline) c->set_declined(c->declined() + 1);
        if (r.last_response == core::ResponseKind::kWithdraw) c->set_withdrawn(c->withdrawn() + 1);
        if (r.on_scene) c->set_on_scene(c->on_scene() + 1);
        if (r.done) c->set_done(c->done() + 1);
    }
    c->set_sightings(static_cast<std::uint32_t>(a.sightings.size()));
    return out;
}

}  // namespace yihu::api
