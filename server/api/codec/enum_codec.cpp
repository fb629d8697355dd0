#include "api/codec/enum_codec.h"

namespace yihu::api {

using core::AlertKind;
using core::AlertState;
using core::ErrorCode;
using core::ResponseKind;
using core::Tier;

v1::AlertKind to_proto(AlertKind kind) {
    switch (kind) {
        case AlertKind::kMissingPerson:
            return v1::ALERT_KIND_MISSING_PERSON;
        case AlertKind::kMissingChild:
            return v1::ALERT_KIND_MISSING_CHILD;
        case AlertKind::kDrowning:
            return v1::ALERT_KIND_DROWNING;
        case AlertKind::kSuspect:
            return v1::ALERT_KIND_SUSPECT;
        case AlertKind::kDisaster:
            return v1::ALERT_KIND_DISASTER;
        case AlertKind::kGeneral:
            return v1::ALERT_KIND_GENERAL;
    }
    return v1::ALERT_KIND_UNSPECIFIED;
}

std::optional<AlertKind> from_proto(v1::AlertKind kind) {
    switch (kind) {
        case v1::ALERT_KIND_MISSING_PERSON:
            return AlertKind::kMissingPerson;
        case v1::ALERT_KIND_MISSING_CHILD:
            return AlertKind::kMissingChild;
        case v1::ALERT_KIND_DROWNING:
            return AlertKind::kDrowning;
        case v1::ALERT_KIND_SUSPECT:
            return AlertKind::kSuspect;
        case v1::ALERT_KIND_DISASTER:
            return AlertKind::kDisaster;
        case v1::ALERT_KIND_GENERAL:
            return AlertKind::kGeneral;
        default:
            return std::nullopt;
    }
}

v1::AlertState to_proto(AlertState state) {
    switch (state) {
        case AlertState::kActive:
            return v1::ALERT_STATE_ACTIVE;
        case AlertState::kResolvedFound:
            return v1::ALERT_STATE_RESOLVED_FOUND;
        case AlertState::kResolved:
            return v1::ALERT_STATE_RESOLVED;
        case AlertState::kCancelled:
            return v1::ALERT_STATE_CANCELLED;
        case AlertState::kExpired:
            return v1::ALERT_STATE_EXPIRED;
    }
    return v1::ALERT_STATE_UNSPECIFIED;
}

std::optional<AlertState> from_proto(v1::AlertState state) {
    switch (state) {
        case v1::ALERT_STATE_ACTIVE:
            return AlertState::kActive;
        case v1::ALERT_STATE_RESOLVED_FOUND:
            return AlertState::kResolvedFound;
        case v1::ALERT_STATE_RESOLVED:
            return AlertState::kResolved;
        case v1::ALERT_STATE_CANCELLED:
            return AlertState::kCancelled;
        case v1::ALERT_STATE_EXPIRED:
            return AlertState::kExpired;
        default:
            return std::nullopt;
    }
}

v1::ResponseKind to_proto(ResponseKind kind) {
    switch (kind) {
        case ResponseKind::kAccept:
            return v1::RESPONSE_KIND_ACCEPT;
        case ResponseKind::kDecline:
            return v1::RESPONSE_KIND_DECLINE;
        case ResponseKind::kOnScene:
            return v1::RESPONSE_KIND_ON_SCENE;
        case ResponseKind::kDone:
            return v1::RESPONSE_KIND_DONE;
        case ResponseKind::kWithdraw:
            return v1::RESPONSE_KIND_WITHDRAW;
    }
    return v1::RESPONSE_KIND_UNSPECIFIED;
}

std::optional<ResponseKind> from_proto(v1::ResponseKind kind) {
    switch (kind) {
        case v1::RESPONSE_KIND_ACCEPT:
            return ResponseKind::kAccept;
        case v1::RESPONSE_KIND_DECLINE:
            return ResponseKind::kDecline;
        case v1::RESPONSE_KIND_ON_SCENE:
            return ResponseKind::kOnScene;
        case v1::RESPONSE_KIND_DONE:
            return ResponseKind::kDone;
        case v1::RESPONSE_KIND_WITHDRAW:
            return ResponseKind::kWithdraw;
        default:
            return std::nullopt;
    }
}

v1::Tier to_proto(Tier tier) {
    switch (tier) {
        case Tier::kPublic:
            return v1::TIER_PUBLIC;
        case Tier::kRegistered:
            return v1::TIER_REGISTERED;
        case Tier::kVetted:
            return v1::TIER_VETTED;
    }
    return v1::TIER_UNSPECIFIED;
}

std::optional<Tier> from_proto(v1::Tier tier) {
    switch (tier) {
        case v1::TIER_PUBLIC:
            return Tier::kPublic;
        case v1::TIER_REGISTERED:
            return Tier::kRegistered;
        case v1::TIER_VETTED:
            return Tier::kVetted;
        default:
            return std::nullopt;
    }
}

v1::AuditEventKind audit_kind(core::AuditKind kind) {
    using core::AuditKind;
    switch (kind) {
        case AuditKind::kCreated:
            return v1::AUDIT_EVENT_KIND_CREATED;
        case AuditKind::kMatched:
            return v1::AUDIT_EVENT_KIND_MATCHED;
        case AuditKind::kHeld:
            return v1::AUDIT_EVENT_KIND_SKIPPED;
        case AuditKind::kReleased:
            return v1::AUDIT_EVENT_KIND_MATCHED;
        case AuditKind::kDelivered:
            return v1::AUDIT_EVENT_KIND_DELIVERED;
        case AuditKind::kResponded:
            return v1::AUDIT_EVENT_KIND_RESPONDED;
        case AuditKind::kRoleAssigned:
            return v1::AUDIT_EVENT_KIND_ROLE_ASSIGNED;
        case AuditKind::kEscalated:
        case AuditKind::kRingGrew:
            return v1::AUDIT_EVENT_KIND_ESCALATED;
        case AuditKind::kUpdated:
        case AuditKind::kTriggerMerged:
            return v1::AUDIT_EVENT_KIND_UPDATED;
        case AuditKind::kSighting:
            return v1::AUDIT_EVENT_KIND_SIGHTING;
        case AuditKind::kStoodDown:
            return v1::AUDIT_EVENT_KIND_STOOD_DOWN;
        case AuditKind::kStaffingLost:
            return v1::AUDIT_EVENT_KIND_STAFFING_LOST;
        case AuditKind::kStateChanged:
            return v1::AUDIT_EVENT_KIND_STATE_CHANGED;
        case AuditKind::kForwarded:
            return v1::AUDIT_EVENT_KIND_FORWARDED;
        case AuditKind::kPeerAcked:
            return v1::AUDIT_EVENT_KIND_PEER_ACKED;
    }
    return v1::AUDIT_EVENT_KIND_UNSPECIFIED;
}

v1::ErrorCode to_proto(ErrorCode code) {
    switch (code) {
        case ErrorCode::kOk:
            return v1::ERROR_CODE_UNSPECIFIED;
        case ErrorCode::kNotFinite:
        case ErrorCode::kLatitudeOutOfRange:
        case ErrorCode::kLongitudeOutOfRange:
        case ErrorCode::kNegativeRadius:
        case ErrorCode::kRadiusTooLarge:
        case ErrorCode::kInvalidAccuracy:
        case ErrorCode::kTooFewVertices:
        case ErrorCode::kTooManyVertices:
        case ErrorCode::kRingNotClosed:
        case ErrorCode::kDegeneratePolygon:
        case ErrorCode::kPolygonEnclosesPole:
        case ErrorCode::kPolygonTooWide:
            return v1::ERROR_CODE_INVALID_COORDINATES;
        case ErrorCode::kInvalidArgument:
        case ErrorCode::kNotAccepted:
            return v1::ERROR_CODE_INVALID_ARGUMENT;
        case ErrorCode::kUnknownVolunteer:
        case ErrorCode::kUnknownAlert:
        case ErrorCode::kUnknownDevice:
            return v1::ERROR_CODE_NOT_FOUND;
        case ErrorCode::kAlertClosed:
            return v1::ERROR_CODE_ALERT_CLOSED;
        case ErrorCode::kConflict:
            return v1::ERROR_CODE_CONFLICT;
        case ErrorCode::kNotRecipient:
            return v1::ERROR_CODE_FORBIDDEN_ROLE;
        case ErrorCode::kUnavailable:
            return v1::ERROR_CODE_UNAVAILABLE;
        case ErrorCode::kInternal:
            return v1::ERROR_CODE_INTERNAL;
    }
    return v1::ERROR_CODE_INTERNAL;
}

unsigned http_status(v1::ErrorCode code) {
    switch (code) {
        case v1::ERROR_CODE_MALFORMED_MESSAGE:
        case v1::ERROR_CODE_UNKNOWN_MESSAGE_TYPE:
        case v1::ERROR_CODE_UNSUPPORTED_VERSION:
        case v1::ERROR_CODE_INVALID_ARGUMENT:
        case v1::ERROR_CODE_INVALID_COORDINATES:
            return 400;
        case v1::ERROR_CODE_UNAUTHENTICATED:
        case v1::ERROR_CODE_TOKEN_EXPIRED:
            return 401;
        case v1::ERROR_CODE_FORBIDDEN_ROLE:
        case v1::ERROR_CODE_SESSION_REPLACED:
            return 403;
        case v1::ERROR_CODE_NOT_FOUND:
            return 404;
        case v1::ERROR_CODE_METHOD_NOT_ALLOWED:
            return 405;
        case v1::ERROR_CODE_ALERT_CLOSED:
        case v1::ERROR_CODE_CONFLICT:
            return 409;
        case v1::ERROR_CODE_FRAME_TOO_LARGE:
            return 413;
        case v1::ERROR_CODE_RATE_LIMITED:
            return 429;
        case v1::ERROR_CODE_UNAVAILABLE:
        case v1::ERROR_CODE_BACKPRESSURE:
            return 503;
        default:
            return 500;
    }
}

}  // namespace yihu::api
