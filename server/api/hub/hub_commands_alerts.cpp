// Alert commands on the hub thread: create (with idempotency keys), update, resolve or cancel, confirm a sighting.

#include <openssl/sha.h>

#include <algorithm>

#include "api/codec/alert_request.h"
#include "api/codec/enum_codec.h"
#include "api/codec/hub_result.h"
#include "api/hub/hub.h"

namespace yihu::api {

namespace {

// A digest of the request without its key: the same key with another body is a conflict, not a repeat.
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

}  // namespace

Hub::Outcome Hub::on(const v1::CreateAlert& c, const v1::Caller& caller) {
    const v1::CreateAlertRequest& body = c.request();
    const std::string& key = body.idempotency_key();
    std::string request_digest;
    if (!key.empty()) {
        auto copy = body;
        copy.clear_idempotency_key();
        request_digest = digest(copy);
        std::optional<std::string> existing_id;
        std::optional<std::string> existing_digest;
        if (auto it = idempotency_pending_.find(key); it != idempotency_pending_.end()) {
            existing_id = engine_.find(it->second)->id;
            for (const auto& rec : batch_.idempotency) {
                if (rec.key == key) existing_digest = rec.request_digest;
            }
        } else if (auto found = store_->find_idempotency(key); found && *found) {
            existing_id = (*found)->alert_id;
            existing_digest = (*found)->request_digest;
        }
        if (existing_id) {
            if (existing_digest != request_digest) {
                return {error_result(v1::ERROR_CODE_CONFLICT, "idempotency_key was used for a different request")};
            }
            // After the commit too: the first request may be in this very batch, not yet durable.
            return committed_alert(*existing_id);
        }
    }
    auto params = to_spec(body, skills_, teams_);
    if (!params) return {error_result(params.error())};
    params->spec.created_by = caller.subject();
    params->extras.origin = options_.city;
    const core::Time t = now();
    core::Effects fx;
    const auto started = std::chrono::steady_clock::now();
    auto number = engine_.create(std::move(params->spec), t, fx);
    if (!number) return {error_result(number.error())};
    if (metrics_->observe_match_latency) {
        metrics_->observe_match_latency(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    extras_[*number] = params->extras;
    metrics_->alerts_active = static_cast<std::int64_t>(engine_.active().size());
    apply(fx, t);
    if (!key.empty()) {
        batch_.idempotency.push_back(store::IdempotencyRecord{key, request_digest, engine_.find(*number)->id, t});
        idempotency_pending_[key] = *number;
    }
    return committed_alert(*number, true);
}

Hub::Outcome Hub::on(const v1::UpdateAlert& c, const v1::Caller& caller) {
    const v1::UpdateAlertRequest& body = c.request();
    const core::Alert* a = engine_.find(body.alert_id());
    if (!a) return {absent_alert(body.alert_id())};
    if (auto refused = refuse_if_foreign(*a)) return std::move(*refused);
    auto change = to_change(body);
    if (!change) return {error_result(change.error())};
    if (is_closed(a->state)) return {error_result(v1::ERROR_CODE_ALERT_CLOSED, "alert is closed")};
    const core::AlertNumber number = a->number;
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
    change->change.actor = caller.subject();
    const core::Time t = now();
    core::Effects fx;
    change->change.actor = caller.subject();
    if (auto s = engine_.update(number, change->change, t, fx); !s) {
        x = before;
        if (s.error().code == core::ErrorCode::kConflict) {
            return {error_result(v1::ERROR_CODE_CONFLICT, s.error().message,
                                 {{"current_version", std::to_string(a->version)}})};
        }
        return {error_result(s.error())};
    }
    apply(fx, t);
    return committed_alert(number);
}

Hub::Outcome Hub::on(const v1::CloseAlert& c, const v1::Caller& caller) {
    const core::Alert* a = engine_.find(c.alert_id());
    if (!a) return {absent_alert(c.alert_id())};
    if (auto refused = refuse_if_foreign(*a)) return std::move(*refused);
    const auto final_state = from_proto(c.final_state());
    if (!final_state || !is_closed(*final_state) || *final_state == core::AlertState::kExpired) {
        return {error_result(v1::ERROR_CODE_INVALID_ARGUMENT, "final_state: RESOLVED, RESOLVED_FOUND or CANCELLED")};
    }
    if (auto s = check_text("message", c.message(), kMaxDescription); !s) return {error_result(s.error())};
    const core::AlertNumber number = a->number;
    const std::string previous_closer = extras_[number].closed_by;
    extras_[number].closed_by = caller.subject();
    const core::Time t = now();
    core::Effects fx;
    if (auto s = engine_.close(number, *final_state, c.message(), t, fx, caller.subject()); !s) {
        extras_[number].closed_by = previous_closer;
        return {error_result(s.error())};
    }
    apply(fx, t);
    return committed_alert(number);
}

Hub::Outcome Hub::on(const v1::ConfirmSighting& c, const v1::Caller& caller) {
    const core::Alert* a = engine_.find(c.alert_id());
    if (!a) return {absent_alert(c.alert_id())};
    if (auto refused = refuse_if_foreign(*a)) return std::move(*refused);
    // NOT_FOUND, as for the alert (common.proto): the engine calls an unknown sighting an invalid argument.
    if (std::none_of(a->sightings.begin(), a->sightings.end(),
                     [&](const core::Sighting& s) { return s.id == c.sighting_id(); })) {
        return {error_result(v1::ERROR_CODE_NOT_FOUND,
                             "no sighting " + std::to_string(c.sighting_id()) + " on " + c.alert_id())};
    }
    const core::AlertNumber number = a->number;
    const core::Time t = now();
    core::Effects fx;
    if (auto s = engine_.confirm_sighting(number, c.sighting_id(), t, fx, caller.subject()); !s) {
        return {error_result(s.error())};
    }
    apply(fx, t);
    return committed_alert(number);
}

}  // namespace yihu::api
