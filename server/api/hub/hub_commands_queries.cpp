// Queries on the hub thread: one alert, the list of alerts, an alert's recipients, responses and audit trail. Pages
// are offsets into an order that only grows at its end (newest-first lists skip what is newer than the first page).

#include <algorithm>
#include <map>
#include <memory>
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

v1::HubResult store_unavailable(const core::Error& error) {
    return error_result(v1::ERROR_CODE_UNAVAILABLE, "the store cannot be read: " + error.message);
}

}  // namespace

Hub::Outcome Hub::on(const v1::GetAlert& c, const v1::Caller&) {
    auto view = view_alert(c.alert_id());
    if (!view) return {store_unavailable(view.error())};
    if (!*view) return {no_alert(c.alert_id())};
    Outcome out;
    fill_detail(**view, out.result.mutable_alert_detail());
    return out;
}

// Open alerts are in memory; closed ones only in the store, which also holds every open alert except those created
// in the batch not yet committed. Both are merged by number, newest first; a stored alert is read (with its
// recipients, for the counts) only if it is on the page.
Hub::Outcome Hub::on(const v1::ListAlerts& c, const v1::Caller&) {
    const std::set<int> states(c.states().begin(), c.states().end());
    const std::set<int> kinds(c.kinds().begin(), c.kinds().end());
    const std::size_t size = page_size(c.page());
    const std::uint64_t offset = c.page().offset();
    const bool closed_wanted = states.empty() || std::any_of(states.begin(), states.end(), [](int s) {
                                   return s != to_proto(core::AlertState::kActive);
                               });
    std::map<core::AlertNumber, const store::AlertRecord*, std::greater<>> closed;
    std::vector<store::AlertRecord> records;
    if (closed_wanted) {
        auto loaded = store_->load_alerts(false);
        if (!loaded) return {store_unavailable(loaded.error())};
        records = std::move(*loaded);
        for (const auto& r : records) {
            if (!engine_.find(r.number)) closed.emplace(r.number, &r);
        }
    }
    std::map<core::AlertNumber, const core::Alert*, std::greater<>> open;
    for (const auto& [number, a] : engine_.alerts()) open.emplace(number, &a);

    Outcome out;
    v1::ListAlertsResponse* list = out.result.mutable_alerts();
    std::uint64_t index = 0;
    auto o = open.begin();
    auto k = closed.begin();
    while (o != open.end() || k != closed.end()) {
        AlertView view;
        if (k == closed.end() || (o != open.end() && o->first > k->first)) {
            view = view_of(*(o++)->second);
        } else {
            const store::AlertRecord& record = *(k++)->second;
            auto stored = std::make_shared<StoredAlert>();
            // The snapshot alone tells state and kind; recipients and audit are read only for an alert on the page.
            if (auto s = decode_alert(record.snapshot, skills_, teams_, volunteers_, stored->alert, stored->extras);
                !s) {
                return {store_unavailable(s.error())};
            }
            const bool shown = (states.empty() || states.count(to_proto(stored->alert.state))) &&
                               (kinds.empty() || kinds.count(to_proto(stored->alert.kind)));
            if (shown && index >= offset && static_cast<std::size_t>(list->alerts_size()) < size) {
                *stored = StoredAlert{};
                if (auto s = load_stored_alert(record, *stored); !s) return {store_unavailable(s.error())};
            }
            view = AlertView{
                .alert = &stored->alert, .extras = &stored->extras, .marks = &stored->marks, .stored = stored};
        }
        const core::Alert& a = *view.alert;
        if (!states.empty() && !states.count(to_proto(a.state))) continue;
        if (!kinds.empty() && !kinds.count(to_proto(a.kind))) continue;
        if (index++ < offset) continue;
        if (static_cast<std::size_t>(list->alerts_size()) == size) {
            list->set_next_page_token(std::to_string(offset + size));
            break;
        }
        fill_detail(view, list->add_alerts());
    }
    return out;
}

Hub::Outcome Hub::on(const v1::ListRecipients& c, const v1::Caller&) {
    auto view = view_alert(c.alert_id());
    if (!view) return {store_unavailable(view.error())};
    if (!*view) return {no_alert(c.alert_id())};
    const core::Alert* a = (*view)->alert;
    const std::size_t size = page_size(c.page());
    std::vector<std::pair<core::Time, core::VolunteerId>> order;
    for (const auto& [v, r] : a->recipients) order.emplace_back(r.notified_at, v);
    std::sort(order.begin(), order.end());
    Outcome result;
    v1::RecipientsResponse* out = result.result.mutable_recipients();
    out->set_alert_id(a->id);
    const AlertMarks* marks = (*view)->marks;
    for (std::size_t i = c.page().offset(); i < order.size() && static_cast<std::size_t>(out->recipients_size()) < size;
         ++i) {
        const core::VolunteerId v = order[i].second;
        const core::Recipient& r = a->recipients.at(v);
        auto* o = out->add_recipients();
        o->set_volunteer_id(volunteers_.name(v));
        o->set_node(options_.node_id);
        o->set_distance_m(r.distance_m);
        if (marks) {
            if (auto m = marks->find(v); m != marks->end()) {
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
    auto view = view_alert(c.alert_id());
    if (!view) return {store_unavailable(view.error())};
    if (!*view) return {no_alert(c.alert_id())};
    const core::Alert* a = (*view)->alert;
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
    auto view = view_alert(c.alert_id());
    if (!view) return {store_unavailable(view.error())};
    if (!*view) return {no_alert(c.alert_id())};
    const core::Alert* a = (*view)->alert;
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
