// The dispatchers' live feed: what happens to alerts, as JSON text frames on a WebSocket. Best effort by design
// (a console refetches the lists after reconnecting), so nothing here is stored. The hub turns engine events into
// LiveFeedEvents; who gets them and their encoding is FeedFanout's.

#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/time_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

void Hub::feed_open(std::uint64_t feed_id, std::shared_ptr<net::WsConnection> connection,
                    const v1::LiveFeedSubscribe& subscribe) {
    feeds_.open(feed_id, std::move(connection), subscribe);
    metrics_->feeds_connected = static_cast<std::int64_t>(feeds_.size());
}

void Hub::feed_subscribe(std::uint64_t feed_id, const v1::LiveFeedSubscribe& subscribe) {
    feeds_.subscribe(feed_id, subscribe);
}

void Hub::feed_closed(std::uint64_t feed_id) {
    feeds_.close(feed_id);
    metrics_->feeds_connected = static_cast<std::int64_t>(feeds_.size());
}

void Hub::publish_feed(const core::FeedEvent& e) {
    const core::Alert* a = engine_.find(e.alert);
    if (!a || feeds_.empty()) return;
    // Reported when the push is written to the phone (send_released), with its seq; nothing to say yet.
    if (e.kind == core::FeedEvent::Kind::kDelivery) return;
    v1::LiveFeedEvent out;
    const std::string volunteer = e.volunteer ? volunteers_.name(*e.volunteer) : std::string{};
    switch (e.kind) {
        case core::FeedEvent::Kind::kDelivery:
            return;
        case core::FeedEvent::Kind::kResponse: {
            auto* r = out.mutable_response();
            r->set_alert_id(a->id);
            r->set_volunteer_id(volunteer);
            if (e.response) r->set_kind(to_proto(*e.response));
            if (auto it = a->recipients.find(*e.volunteer); it != a->recipients.end()) r->set_role(it->second.role);
            to_proto(e.at, r->mutable_at());
            break;
        }
        case core::FeedEvent::Kind::kResponderPosition: {
            if (!e.position) return;
            auto* p = out.mutable_responder_position();
            p->set_alert_id(a->id);
            p->set_volunteer_id(volunteer);
            if (auto it = a->recipients.find(*e.volunteer); it != a->recipients.end()) {
                p->set_role(it->second.role);
                if (it->second.last_response) p->set_status(to_proto(*it->second.last_response));
            }
            to_proto(*e.position, p->mutable_position()->mutable_location());
            to_proto(e.at, p->mutable_position()->mutable_observed_at());
            p->set_distance_m(core::geo::haversine_m(*e.position, a->center));
            break;
        }
        case core::FeedEvent::Kind::kSighting: {
            auto it = std::find_if(a->sightings.begin(), a->sightings.end(),
                                   [&](const core::Sighting& s) { return s.id == e.sighting; });
            if (it == a->sightings.end()) return;
            auto* s = out.mutable_sighting();
            s->set_id(std::to_string(it->id));
            s->set_alert_id(a->id);
            s->set_reporter_id(volunteers_.name(it->reporter));
            to_proto(it->position, s->mutable_position()->mutable_location());
            s->set_text(it->text);
            s->set_photo_url(it->photo_url);
            to_proto(it->at, s->mutable_at());
            break;
        }
        case core::FeedEvent::Kind::kEscalation: {
            auto* x = out.mutable_escalation();
            x->set_old_radius_m(e.old_radius_m);
            x->set_new_radius_m(e.radius_m);
            x->set_newly_alerted(static_cast<std::uint32_t>(e.count));
            x->set_reason(a->policy.nearest_first ? "too few accepted in time" : "search ring grew on schedule");
            break;
        }
        case core::FeedEvent::Kind::kStateChange: {
            auto* s = out.mutable_state_change();
            if (e.state) s->set_to(to_proto(*e.state));
            // The engine reports two transitions: creation (-> ACTIVE) and closing (ACTIVE -> final).
            const bool created = e.state == core::AlertState::kActive;
            s->set_from(created ? v1::ALERT_STATE_UNSPECIFIED : v1::ALERT_STATE_ACTIVE);
            s->set_message(a->closing_message);
            const std::string& closer = extras(a->number).closed_by;
            s->set_by(created ? a->created_by : closer.empty() ? std::string("system") : closer);
            break;
        }
        case core::FeedEvent::Kind::kUpdated:
            fill_alert(*a, false, out.mutable_alert_updated(), true);
            break;
    }
    to_proto(e.at, out.mutable_at());
    publish_feed(a->id, std::move(out));
}

void Hub::publish_feed(const std::string& alert_id, v1::LiveFeedEvent event) {
    if (feeds_.empty()) return;
    event.set_alert_id(alert_id);
    const bool is_position = event.has_responder_position();
    // Encoded once, by the first feed connection that writes it.
    net::Frame frame = FeedFanout::frame(std::make_shared<const v1::LiveFeedEvent>(std::move(event)));
    // Sent after the batch commits, like every other word about an alert.
    after_commit([this, alert_id, is_position, frame = std::move(frame)](bool durable) {
        if (!durable && !is_position) return;
        feeds_.send(alert_id, is_position, frame);
    });
}

}  // namespace yihu::api
