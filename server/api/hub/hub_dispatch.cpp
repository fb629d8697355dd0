// The dispatcher API on the hub thread: alert commands and queries, devices.

#include <openssl/sha.h>

#include <algorithm>
#include <charconv>

#include "api/codec/alert_request.h"
#include "api/codec/alert_view.h"
#include "api/codec/enum_codec.h"
#include "api/codec/geo_codec.h"
#include "api/codec/http_reply.h"
#include "api/codec/json_codec.h"
#include "api/codec/time_codec.h"
#include "api/hub/hub.h"

namespace yihu::api {

using core::AlertState;

namespace {

constexpr std::size_t kDefaultPage = 50;
constexpr std::size_t kMaxPage = 200;

std::string digest(const google::protobuf::Message& m) {
    std::string bytes;
    google::protobuf::io::StringOutputStream stream(&bytes);
    {
        google::protobuf::io::CodedOutputStream out(&stream);
        out.SetSerializationDeterministic(true);
        m.SerializeToCodedStream(&out);
    }
    unsigned char hash[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), hash);
    return std::string(reinterpret_cast<const char*>(hash), sizeof hash);
}

// Page sizes and tokens: a token is the offset of the next item, as text.
bool page(const net::HttpRequest& r, std::size_t& size, std::size_t& offset, net::HttpResponse& error) {
    size = kDefaultPage;
    offset = 0;
    if (auto v = r.query_value("pageSize"); !v.empty()) {
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), size);
        if (ec != std::errc{} || p != v.data() + v.size() || size > kMaxPage) {
            error = error_reply(v1::ERROR_CODE_INVALID_ARGUMENT, "pageSize: 0..200");
            return false;
        }
        if (size == 0) size = kDefaultPage;
    }
    if (auto v = r.query_value("pageToken"); !v.empty()) {
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), offset);
        if (ec != std::errc{} || p != v.data() + v.size()) {
            error = error_reply(v1::ERROR_CODE_INVALID_ARGUMENT, "pageToken: not a token from this server");
            return false;
        }
    }
    return true;
}

std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        const std::size_t j = std::min(path.find('/', i), path.size());
        parts.emplace_back(path.substr(i, j - i));
        i = j;
    }
    return parts;
}

}  // namespace

const AlertExtras& Hub::extras(core::AlertNumber number) const {
    static const AlertExtras kNone;
    auto it = extras_.find(number);
    return it == extras_.end() ? kNone : it->second;
}

void Hub::fill_alert(const core::Alert& a, bool for_volunteer, v1::Alert* out) const {
    to_proto(a, extras(a.number), Names{skills_, teams_, volunteers_}, for_volunteer, out);
}

void Hub::fill_detail(const core::Alert& a, v1::AlertDetail* out) const {
    fill_alert(a, false, out->mutable_alert());
    auto* c = out->mutable_counts();
    c->set_notified(static_cast<std::uint32_t>(a.recipients.size()));
    const auto marks = marks_.find(a.number);
    for (const auto& [v, r] : a.recipients) {
        if (marks != marks_.end()) {
            if (auto m = marks->second.find(v); m != marks->second.end() && m->second.acked_at != core::Time{}) {
                c->set_acked(c->acked() + 1);
            }
        }
        if (r.accepted) c->set_accepted(c->accepted() + 1);
        if (r.last_response == core::ResponseKind::kDecline) c->set_declined(c->declined() + 1);
        if (r.on_scene) c->set_on_scene(c->on_scene() + 1);
        if (r.done) c->set_done(c->done() + 1);
    }
    c->set_sightings(static_cast<std::uint32_t>(a.sightings.size()));
}

net::HttpResponse Hub::alert_detail(const core::Alert& a) const {
    v1::AlertDetail detail;
    fill_detail(a, &detail);
    return json_reply(200, detail);
}

net::HttpResponse Hub::create_alert(const net::HttpRequest& request, const Claims& caller, bool& deferred,
                                    HttpReply& reply) {
    v1::CreateAlertRequest body;
    if (auto s = parse_json(request.body, body); !s) {
        return error_reply(v1::ERROR_CODE_MALFORMED_MESSAGE, "body: " + s.error().message);
    }
    const std::string key = body.idempotency_key();
    std::string request_digest;
    if (!key.empty()) {
        auto copy = body;
        copy.clear_idempotency_key();
        request_digest = digest(copy);
        std::optional<std::string> existing_id;
        std::optional<std::string> existing_digest;
        if (auto it = idempotency_pending_.find(key); it != idempotency_pending_.end()) {
            const core::Alert* a = engine_.find(it->second);
            existing_id = a->id;
            for (const auto& rec : batch_.idempotency) {
                if (rec.key == key) existing_digest = rec.request_digest;
            }
        } else if (auto found = store_->find_idempotency(key); found && *found) {
            existing_id = (*found)->alert_id;
            existing_digest = (*found)->request_digest;
        }
        if (existing_id) {
            if (existing_digest != request_digest) {
                return error_reply(v1::ERROR_CODE_CONFLICT, "idempotency_key was used for a different request");
            }
            const core::Alert* a = engine_.find(*existing_id);
            if (!a) return error_reply(v1::ERROR_CODE_NOT_FOUND, "the alert of this idempotency_key is gone");
            v1::Alert out;
            fill_alert(*a, false, &out);
            return json_reply(200, out);
        }
    }
    auto params = to_spec(body, skills_, teams_);
    if (!params) return error_reply(params.error());
    params->spec.created_by = caller.subject;
    params->extras.origin = options_.city;
    const core::Time t = now();
    core::Effects fx;
    const auto started = std::chrono::steady_clock::now();
    auto number = engine_.create(std::move(params->spec), t, fx);
    if (!number) return error_reply(number.error());
    if (metrics_->observe_match_latency) {
        metrics_->observe_match_latency(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    extras_[*number] = params->extras;
    metrics_->alerts_active = static_cast<std::int64_t>(engine_.active().size());
    apply(fx, t);
    const core::Alert* a = engine_.find(*number);
    if (!key.empty()) {
        batch_.idempotency.push_back(store::IdempotencyRecord{key, request_digest, a->id, t});
        idempotency_pending_[key] = *number;
    }
    v1::Alert out;
    fill_alert(*a, false, &out);
    net::HttpResponse created = json_reply(201, out);
    created.headers.emplace_back("Location", "/v1/alerts/" + a->id);
    deferred = true;
    after_commit([reply = std::move(reply), created = std::move(created)](bool durable) {
        reply(durable ? created : error_reply(v1::ERROR_CODE_UNAVAILABLE, "the alert could not be stored"));
    });
    return {};
}

void Hub::http_request(const net::HttpRequest& request, const Claims& caller, HttpReply reply) {
    const auto parts = split_path(request.path);
    const std::string& method = request.method;
    auto answer = [&](net::HttpResponse r) { reply(std::move(r)); };
    // Mutations answer after the commit: the dispatcher is never told "done" about something a crash could lose.
    auto answer_after_commit = [&](net::HttpResponse r) {
        after_commit([reply, r = std::move(r)](bool durable) {
            reply(durable ? r : error_reply(v1::ERROR_CODE_UNAVAILABLE, "the change could not be stored"));
        });
    };

    if (parts.size() < 2 || parts[0] != "v1") {
        return answer(error_reply(v1::ERROR_CODE_NOT_FOUND, "no such route: " + request.path));
    }
    if (parts[1] == "devices") {
        if (parts.size() == 2 && method == "GET") {
            std::string body = "{\"devices\":[";
            bool first = true;
            for (const std::string& id : device_ids_) {
                const core::Device* d = engine_.device(id);
                if (!d) continue;
                v1::Device out;
                out.set_id(d->id);
                out.set_name(d->name);
                to_proto(d->position, out.mutable_position()->mutable_location());
                out.set_kind(v1::DEVICE_KIND_RESCUE_HUT);
                out.mutable_policy()->set_alert_kind(to_proto(d->kind));
                out.mutable_policy()->set_responders_wanted(static_cast<std::uint32_t>(d->responders_wanted));
                out.mutable_policy()->set_auto_create(true);
                if (!first) body += ',';
                body += to_json(out);
                first = false;
            }
            body += "]}";
            net::HttpResponse r;
            r.body = std::move(body);
            return answer(std::move(r));
        }
        if (parts.size() == 3 && method == "PUT") {
            v1::Device body;
            if (auto s = parse_json(request.body, body); !s) {
                return answer(error_reply(v1::ERROR_CODE_MALFORMED_MESSAGE, "body: " + s.error().message));
            }
            if (!body.position().has_location()) {
                return answer(error_reply(v1::ERROR_CODE_INVALID_ARGUMENT, "position.location is required"));
            }
            auto position = from_proto(body.position().location());
            if (!position) return answer(error_reply(position.error()));
            core::Device d{
                .id = parts[2],
                .name = body.name().empty() ? parts[2] : body.name(),
                .position = *position,
                .kind = from_proto(body.policy().alert_kind()).value_or(core::AlertKind::kDrowning),
                .responders_wanted = body.policy().responders_wanted() ? body.policy().responders_wanted() : 3};
            if (auto s = engine_.register_device(d); !s) return answer(error_reply(s.error()));
            if (std::find(device_ids_.begin(), device_ids_.end(), d.id) == device_ids_.end()) {
                device_ids_.push_back(d.id);
            }
            v1::StoredDevice stored;
            stored.set_id(d.id);
            stored.set_name(d.name);
            to_proto(d.position, stored.mutable_position());
            stored.set_kind(static_cast<std::uint32_t>(d.kind));
            stored.set_responders_wanted(d.responders_wanted);
            batch_.devices.push_back(store::DeviceRecord{d.id, stored.SerializeAsString()});
            body.set_id(d.id);
            return answer_after_commit(json_reply(200, body));
        }
        return answer(error_reply(v1::ERROR_CODE_NOT_FOUND, "no such route: " + method + " " + request.path));
    }
    if (parts[1] != "alerts") return answer(error_reply(v1::ERROR_CODE_NOT_FOUND, "no such route: " + request.path));

    if (parts.size() == 2) {
        if (method == "POST") {
            bool deferred = false;
            net::HttpResponse r = create_alert(request, caller, deferred, reply);
            if (!deferred) answer(std::move(r));
            return;
        }
        if (method != "GET") return answer(error_reply(v1::ERROR_CODE_INVALID_ARGUMENT, "use GET or POST"));
        std::size_t size, offset;
        net::HttpResponse bad;
        if (!page(request, size, offset, bad)) return answer(std::move(bad));
        std::set<int> states, kinds;
        for (auto [it, end] = request.query.equal_range("states"); it != end; ++it) {
            v1::AlertState s;
            if (!v1::AlertState_Parse(it->second, &s)) {
                return answer(error_reply(v1::ERROR_CODE_INVALID_ARGUMENT, "states: unknown " + it->second));
            }
            states.insert(s);
        }
        for (auto [it, end] = request.query.equal_range("kinds"); it != end; ++it) {
            v1::AlertKind k;
            if (!v1::AlertKind_Parse(it->second, &k)) {
                return answer(error_reply(v1::ERROR_CODE_INVALID_ARGUMENT, "kinds: unknown " + it->second));
            }
            kinds.insert(k);
        }
        v1::ListAlertsResponse list;
        std::size_t index = 0;
        for (auto it = engine_.alerts().rbegin(); it != engine_.alerts().rend(); ++it) {
            const core::Alert& a = it->second;
            if (!states.empty() && !states.count(to_proto(a.state))) continue;
            if (!kinds.empty() && !kinds.count(to_proto(a.kind))) continue;
            if (index++ < offset) continue;
            if (static_cast<std::size_t>(list.alerts_size()) == size) {
                list.set_next_page_token(std::to_string(offset + size));
                break;
            }
            fill_detail(a, list.add_alerts());
        }
        return answer(json_reply(200, list));
    }

    // /v1/alerts/{id}[:verb][/sub]
    std::string id = parts[2];
    std::string verb;
    if (auto colon = id.find(':'); colon != std::string::npos) {
        verb = id.substr(colon + 1);
        id.resize(colon);
    }
    const core::Alert* a = engine_.find(id);
    if (!a) return answer(error_reply(v1::ERROR_CODE_NOT_FOUND, "no alert " + id));
    const core::AlertNumber number = a->number;
    const core::Time t = now();
    core::Effects fx;

    if (parts.size() == 3 && verb.empty() && method == "GET") return answer(alert_detail(*a));
    if (parts.size() == 3 && verb.empty() && method == "PATCH") {
        v1::UpdateAlertRequest body;
        if (auto s = parse_json(request.body, body); !s) {
            return answer(error_reply(v1::ERROR_CODE_MALFORMED_MESSAGE, "body: " + s.error().message));
        }
        if (!body.alert_id().empty() && body.alert_id() != id) {
            return answer(error_reply(v1::ERROR_CODE_INVALID_ARGUMENT, "alert_id differs from the path"));
        }
        auto change = to_change(body);
        if (!change) return answer(error_reply(change.error()));
        if (is_closed(a->state)) return answer(error_reply(v1::ERROR_CODE_ALERT_CLOSED, "alert is closed"));
        if (!change->engine_change) {
            // Only what the engine does not hold changed; still a new version that every recipient hears about.
            change->change.description = a->description;
        }
        AlertExtras& x = extras_[number];
        const AlertExtras before = x;
        if (change->instruction) x.instruction = *change->instruction;
        if (change->urgency) x.urgency = *change->urgency;
        if (change->severity) x.severity = *change->severity;
        if (change->shared) x.shared = *change->shared;
        if (auto s = engine_.update(number, change->change, t, fx); !s) {
            x = before;
            net::HttpResponse r = error_reply(s.error());
            if (s.error().code == core::ErrorCode::kConflict) {
                r = error_reply(v1::ERROR_CODE_CONFLICT, s.error().message,
                                {{"current_version", std::to_string(a->version)}});
            }
            return answer(std::move(r));
        }
        apply(fx, t);
        v1::Alert out;
        fill_alert(*engine_.find(number), false, &out);
        return answer_after_commit(json_reply(200, out));
    }
    if (parts.size() == 3 && (verb == "resolve" || verb == "cancel") && method == "POST") {
        AlertState final_state = AlertState::kCancelled;
        std::string message;
        if (verb == "resolve") {
            v1::ResolveAlertRequest body;
            if (auto s = parse_json(request.body.empty() ? "{}" : request.body, body); !s) {
                return answer(error_reply(v1::ERROR_CODE_MALFORMED_MESSAGE, "body: " + s.error().message));
            }
            final_state = body.found() ? AlertState::kResolvedFound : AlertState::kResolved;
            message = body.message();
        } else {
            v1::CancelAlertRequest body;
            if (auto s = parse_json(request.body.empty() ? "{}" : request.body, body); !s) {
                return answer(error_reply(v1::ERROR_CODE_MALFORMED_MESSAGE, "body: " + s.error().message));
            }
            message = body.reason();
        }
        if (auto s = check_text("message", message, kMaxDescription); !s) return answer(error_reply(s.error()));
        const std::string previous_closer = extras_[number].closed_by;
        extras_[number].closed_by = caller.subject;
        if (auto s = engine_.close(number, final_state, message, t, fx); !s) {
            extras_[number].closed_by = previous_closer;
            return answer(error_reply(s.error()));
        }
        apply(fx, t);
        v1::Alert out;
        fill_alert(*engine_.find(number), false, &out);
        return answer_after_commit(json_reply(200, out));
    }
    if (parts.size() == 4 && method == "GET" && verb.empty()) {
        std::size_t size, offset;
        net::HttpResponse bad;
        if (!page(request, size, offset, bad)) return answer(std::move(bad));
        if (parts[3] == "recipients") {
            std::vector<std::pair<core::Time, core::VolunteerId>> order;
            for (const auto& [v, r] : a->recipients) order.emplace_back(r.notified_at, v);
            std::sort(order.begin(), order.end());
            v1::RecipientsResponse out;
            out.set_alert_id(a->id);
            const auto marks = marks_.find(number);
            for (std::size_t i = offset; i < order.size() && static_cast<std::size_t>(out.recipients_size()) < size;
                 ++i) {
                const core::VolunteerId v = order[i].second;
                const core::Recipient& r = a->recipients.at(v);
                auto* o = out.add_recipients();
                o->set_volunteer_id(volunteers_.name(v));
                o->set_node(options_.node_id);
                o->set_distance_m(r.distance_m);
                if (marks != marks_.end()) {
                    if (auto m = marks->second.find(v); m != marks->second.end()) {
                        if (m->second.delivered_at != core::Time{})
                            to_proto(m->second.delivered_at, o->mutable_delivered_at());
                        if (m->second.acked_at != core::Time{}) to_proto(m->second.acked_at, o->mutable_acked_at());
                    }
                }
                if (r.last_response) {
                    o->set_response(to_proto(*r.last_response));
                    to_proto(r.responded_at, o->mutable_responded_at());
                }
                o->set_role(r.role);
                o->set_stood_down(r.stood_down);
                if (i + 1 < order.size() && static_cast<std::size_t>(out.recipients_size()) == size) {
                    out.set_next_page_token(std::to_string(i + 1));
                }
            }
            return answer(json_reply(200, out));
        }
        if (parts[3] == "responses" || parts[3] == "audit") {
            const bool responses = parts[3] == "responses";
            v1::ResponsesResponse rout;
            v1::AuditTrailResponse aout;
            rout.set_alert_id(a->id);
            aout.set_alert_id(a->id);
            std::size_t seen = 0, added = 0;
            for (std::size_t i = 0; i < a->audit.size(); ++i) {
                const core::AuditEntry& e = a->audit[i];
                if (responses && e.kind != core::AuditKind::kResponded) continue;
                if (seen++ < offset) continue;
                if (added == size) {
                    (responses ? rout.mutable_next_page_token() : aout.mutable_next_page_token())
                        ->assign(std::to_string(offset + size));
                    break;
                }
                ++added;
                const std::string volunteer = e.volunteer ? volunteers_.name(*e.volunteer) : std::string{};
                if (responses) {
                    auto* r = rout.add_responses();
                    r->set_alert_id(a->id);
                    r->set_volunteer_id(volunteer);
                    for (auto k : {core::ResponseKind::kAccept, core::ResponseKind::kDecline,
                                   core::ResponseKind::kOnScene, core::ResponseKind::kDone}) {
                        if (e.reason == core::to_string(k)) r->set_kind(to_proto(k));
                    }
                    if (e.volunteer) {
                        if (auto it = a->recipients.find(*e.volunteer); it != a->recipients.end()) {
                            r->set_role(it->second.role);
                        }
                    }
                    to_proto(e.at, r->mutable_at());
                } else {
                    auto* o = aout.add_events();
                    o->set_alert_id(a->id);
                    to_proto(e.at, o->mutable_at());
                    o->set_kind(audit_kind(e.kind));
                    o->set_volunteer_id(volunteer);
                    o->set_node(options_.node_id);
                    o->set_reason(e.reason);
                    (*o->mutable_details())["event"] = std::string(core::to_string(e.kind));
                }
            }
            return answer(responses ? json_reply(200, rout) : json_reply(200, aout));
        }
    }
    if (parts.size() == 5 && parts[3] == "sightings" && method == "POST") {
        // POST /v1/alerts/{id}/sightings/{sid}:confirm: the search centre moves to a confirmed sighting.
        std::string sid = parts[4];
        if (sid.size() < 8 || sid.substr(sid.size() - 8) != ":confirm") {
            return answer(error_reply(v1::ERROR_CODE_NOT_FOUND, "no such route: " + request.path));
        }
        sid.resize(sid.size() - 8);
        std::uint64_t sighting = 0;
        auto [p, ec] = std::from_chars(sid.data(), sid.data() + sid.size(), sighting);
        if (ec != std::errc{} || p != sid.data() + sid.size()) {
            return answer(error_reply(v1::ERROR_CODE_NOT_FOUND, "no sighting " + sid));
        }
        if (auto s = engine_.confirm_sighting(number, sighting, t, fx); !s) return answer(error_reply(s.error()));
        apply(fx, t);
        v1::Alert out;
        fill_alert(*engine_.find(number), false, &out);
        return answer_after_commit(json_reply(200, out));
    }
    return answer(error_reply(v1::ERROR_CODE_NOT_FOUND, "no such route: " + method + " " + request.path));
}

void Hub::device_trigger(const std::string& device_id, const v1::DeviceTrigger& trigger, HttpReply reply) {
    (void)trigger;
    const core::Time t = now();
    core::Effects fx;
    const std::size_t alerts_before = engine_.alerts().size();
    auto number = engine_.trigger_device(device_id, t, fx);
    if (!number) return reply(error_reply(number.error()));
    if (!extras_.count(*number)) {
        AlertExtras x;
        x.origin = options_.city;
        x.urgency = v1::URGENCY_IMMEDIATE;
        x.severity = v1::SEVERITY_SEVERE;
        x.certainty = v1::CERTAINTY_LIKELY;
        extras_[*number] = x;
    }
    const bool created = engine_.alerts().size() > alerts_before;
    metrics_->alerts_active = static_cast<std::int64_t>(engine_.active().size());
    apply(fx, t);
    v1::Alert out;
    fill_alert(*engine_.find(*number), false, &out);
    net::HttpResponse r = json_reply(created ? 201 : 200, out);
    after_commit([reply = std::move(reply), r = std::move(r)](bool durable) {
        reply(durable ? r : error_reply(v1::ERROR_CODE_UNAVAILABLE, "the alert could not be stored"));
    });
}

}  // namespace yihu::api
