// Queries on the hub thread: one alert, the list of alerts, an alert's recipients, responses and audit trail. Pages
// are offsets into an order that only grows at its end (newest-first lists skip what is newer than the first page).

#include <algorithm>
#include <set>

#include "api/codec/enum_codec.h"
#include "api/codec/hub_result.h"
#include "api/codec/time_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

namespace {

constexpr std::size_t kDefaultPage = 50;

std::size_t page_size(const v1::Page& page) {
    return page.size() == 0 ? kDefaultPage : page.size();
}

v1::HubResult no_alert(const std::string& id) {
    return error_result(v1::ERROR_CODE_NOT_FOUND, "no alert " + id);
}

}  // namespace

Hub::Outcome Hub::on(const v1::GetAlert& c, const v1::Caller&) {
    const core::Alert* a = engine_.find(c.alert_id());
    if (!a) return {no_alert(c.alert_id())};
    Outcome out;
    fill_detail(*a, out.result.mutable_alert_detail());
    return out;
}

Hub::Outcome Hub::on(const v1::ListAlerts& c, const v1::Caller&) {
    const std::set<int> states(c.states().begin(), c.states().end());
    const std::set<int> kinds(c.kinds().begin(), c.kinds().end());
    const std::size_t size = page_size(c.page());
    const std::uint64_t offset = c.page().offset();
    Outcome out;
    v1::ListAlertsResponse* list = out.result.mutable_alerts();
    std::uint64_t index = 0;
    for (auto it = engine_.alerts().rbegin(); it != engine_.alerts().rend(); ++it) {
        const core::Alert& a = it->second;
        if (!states.empty() && !states.count(to_proto(a.state))) continue;
        if (!kinds.empty() && !kinds.count(to_proto(a.kind))) continue;
        if (index++ < offset) continue;
        if (static_cast<std::size_t>(list->alerts_size()) == size) {
            list->set_next_page_token(std::to_string(offset + size));
            break;
        }
        fill_detail(a, list->add_alerts());
    }
    return out;
}

Hub::Outcome Hub::on(const v1::ListRecipients& c, const v1::Caller&) {
    const core::Alert* a = engine_.find(c.alert_id());
    if (!a) return {no_alert(c.alert_id())};
    const std::size_t size = page_size(c.page());
    std::vector<std::pair<core::Time, core::VolunteerId>> order;
    for (const auto& [v, r] : a->recipients) order.emplace_back(r.notified_at, v);
    std::sort(order.begin(), order.end());
    Outcome result;
    v1::RecipientsResponse* out = result.result.mutable_recipients();
    out->set_alert_id(a->id);
    const auto marks = marks_.find(a->number);
    for (std::size_t i = c.page().offset(); i < order.size() && static_cast<std::size_t>(out->recipients_size()) < size;
         ++i) {
        const core::VolunteerId v = order[i].second;
        const core::Recipient& r = a->recipients.at(v);
        auto* o = out->add_recipients();
        o->set_volunteer_id(volunteers_.name(v));
        o->set_node(options_.node_id);
        o->set_distance_m(r.distance_m);
        if (marks != marks_.end()) {
            if (auto m = marks->second.find(v); m != marks->second.end()) {
                if (m->second.delivered_at != core::Time{}) to_proto(m->second.delivered_at, o->mutable_delivered_at());
                if (m->second.acked_at != core::Time{}) to_proto(m->second.acked_at, o->mutable_acked_at());
            }
        }
        if (r.last_response) {
            o->set_response(to_proto(*r.last_response));
            to_proto(r.responded_at, o->mutable_responded_at());
        }
        o->set_role(r.role);
        o->set_stood_down(r.stood_down);
        if (i + 1 < order.size() && static_cast<std::size_t>(out->recipients_size()) == size) {
            out->set_next_page_token(std::to_string(i + 1));
        }
    }
    return result;
}

Hub::Outcome Hub::on(const v1::ListResponses& c, const v1::Caller&) {
    const core::Alert* a = engine_.find(c.alert_id());
    if (!a) return {no_alert(c.alert_id())};
    const std::size_t size = page_size(c.page());
    const std::uint64_t offset = c.page().offset();
    Outcome result;
    v1::ResponsesResponse* out = result.result.mutable_responses();
    out->set_alert_id(a->id);
    std::uint64_t seen = 0;
    for (const core::AuditEntry& e : a->audit) {
        if (e.kind != core::AuditKind::kResponded) continue;
        if (seen++ < offset) continue;
        if (static_cast<std::size_t>(out->responses_size()) == size) {
            out->set_next_page_token(std::to_string(offset + size));
            break;
        }
        auto* r = out->add_responses();
        r->set_alert_id(a->id);
        r->set_volunteer_id(e.volunteer ? volunteers_.name(*e.volunteer) : std::string{});
        for (auto k : {core::ResponseKind::kAccept, core::ResponseKind::kDecline, core::ResponseKind::kOnScene,
                       core::ResponseKind::kDone, core::ResponseKind::kWithdraw}) {
            if (e.reason == core::to_string(k)) r->set_kind(to_proto(k));
        }
        if (e.volunteer) {
            if (auto it = a->recipients.find(*e.volunteer); it != a->recipients.end()) r->set_role(it->second.role);
        }
        to_proto(e.at, r->mutable_at());
    }
    return result;
}

Hub::Outcome Hub::on(const v1::ListAudit& c, const v1::Caller&) {
    const core::Alert* a = engine_.find(c.alert_id());
    if (!a) return {no_alert(c.alert_id())};
    const std::size_t size = page_size(c.page());
    const std::uint64_t offset = c.page().offset();
    Outcome result;
    v1::AuditTrailResponse* out = result.result.mutable_audit();
    out->set_alert_id(a->id);
    for (std::uint64_t i = offset; i < a->audit.size(); ++i) {
        if (static_cast<std::size_t>(out->events_size()) == size) {
            out->set_next_page_token(std::to_string(offset + size));
            break;
        }
        const core::AuditEntry& e = a->audit[i];
        auto* o = out->add_events();
        o->set_alert_id(a->id);
        to_proto(e.at, o->mutable_at());
        o->set_kind(audit_kind(e.kind));
        const std::string volunteer = e.volunteer ? volunteers_.name(*e.volunteer) : std::string{};
        o->set_volunteer_id(volunteer);
        o->set_node(options_.node_id);
        o->set_reason(e.reason);
        o->set_alert_version(e.alert_version);
        o->set_actor(e.actor.empty() ? volunteer : e.actor);
        (*o->mutable_details())["event"] = std::string(core::to_string(e.kind));
    }
    return result;
}

}  // namespace yihu::api
