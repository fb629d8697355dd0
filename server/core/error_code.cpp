#include "core/error_code.h"

namespace yihu::core {

std::string_view to_string(ErrorCode code) {
    switch (code) {
        case ErrorCode::kOk:
            return "ok";
        case ErrorCode::kNotFinite:
            return "not_finite";
        case ErrorCode::kLatitudeOutOfRange:
            return "latitude_out_of_range";
        case ErrorCode::kLongitudeOutOfRange:
            return "longitude_out_of_range";
        case ErrorCode::kNegativeRadius:
            return "negative_radius";
        case ErrorCode::kRadiusTooLarge:
            return "radius_too_large";
        case ErrorCode::kInvalidAccuracy:
            return "invalid_accuracy";
        case ErrorCode::kTooFewVertices:
            return "too_few_vertices";
        case ErrorCode::kTooManyVertices:
            return "too_many_vertices";
        case ErrorCode::kRingNotClosed:
            return "ring_not_closed";
        case ErrorCode::kDegeneratePolygon:
            return "degenerate_polygon";
        case ErrorCode::kPolygonEnclosesPole:
            return "polygon_encloses_pole";
        case ErrorCode::kPolygonTooWide:
            return "polygon_too_wide";
        case ErrorCode::kInvalidArgument:
            return "invalid_argument";
        case ErrorCode::kUnknownVolunteer:
            return "unknown_volunteer";
        case ErrorCode::kUnknownAlert:
            return "unknown_alert";
        case ErrorCode::kAlertClosed:
            return "alert_closed";
        case ErrorCode::kConflict:
            return "conflict";
        case ErrorCode::kNotRecipient:
            return "not_recipient";
        case ErrorCode::kNotAccepted:
            return "not_accepted";
        case ErrorCode::kUnknownDevice:
            return "unknown_device";
        case ErrorCode::kUnavailable:
            return "unavailable";
        case ErrorCode::kInternal:
            return "internal";
    }
    return "unknown";
}

}  // namespace yihu::core
