#pragma once

#include <string_view>

namespace yihu::core {

// Every failure the core can report. The API layers map these to protocol Error codes and HTTP statuses, so a code
// here means the same thing on every wire.
enum class ErrorCode {
    kOk = 0,
    // Coordinates and areas (rejected before they reach any index).
    kNotFinite,            // NaN or infinity in a coordinate, radius or accuracy
    kLatitudeOutOfRange,   // |lat| > 90
    kLongitudeOutOfRange,  // |lon| > 180
    kNegativeRadius,       // radius < 0
    kRadiusTooLarge,       // radius above kMaxRadiusM
    kInvalidAccuracy,      // negative accuracy
    kTooFewVertices,       // polygon ring with fewer than 3 distinct vertices
    kTooManyVertices,      // polygon ring above kMaxPolygonVertices
    kRingNotClosed,        // CAP rings repeat the first vertex last
    kDegeneratePolygon,    // zero area (all vertices on one line)
    kPolygonEnclosesPole,  // a ring whose longitudes wind once around the globe
    kPolygonTooWide,       // an edge spanning 180 degrees of longitude or more: its direction is ambiguous
    // Queries and volunteers.
    kInvalidArgument,  // anything else malformed (k = 0, unknown skill name, ...)
    kUnknownVolunteer,
    kUnknownAlert,
    kAlertClosed,
    kConflict,      // optimistic concurrency: the version a caller expected is not the current one
    kNotRecipient,  // a volunteer answered an alert they were never sent
    kNotAccepted,   // on scene / done from a volunteer who has not accepted
    kUnknownDevice,
    // Outside the core (store, network), so every layer reports failures in one vocabulary.
    kUnavailable,  // a dependency (the store, Redis) failed or the node is draining: retry later
    kInternal,     // a bug or an unexpected failure
};

std::string_view to_string(ErrorCode code);

}  // namespace yihu::core
