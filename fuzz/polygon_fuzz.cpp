// libFuzzer: an alert area from a dispatcher (v1::Area, binary protobuf here; JSON bodies reach the same
// from_proto), checked and built into the core's circle or polygon, then asked about points. The input's bytes
// are the Area message; the points tested are the area's own vertices and a few derived from them.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "api/codec/geo_codec.h"
#include "yihu/v1/common.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    yihu::v1::Area wire;
    if (!wire.ParseFromArray(data, static_cast<int>(size))) return 0;
    const auto area = yihu::api::from_proto(wire);
    if (!area) return 0;
    const auto box = area->bounds();
    const auto ref = area->reference_point();
    if (!std::isfinite(ref.lat) || !std::isfinite(ref.lon)) std::abort();
    (void)area->contains(ref);
    if (const auto* polygon = area->polygon()) {
        std::size_t n = 0;
        for (const auto& v : polygon->ring()) {
            if (++n > 64) break;
            (void)area->contains(v);
            (void)area->contains(yihu::core::geo::LatLng{v.lat * 0.999, v.lon * 0.999});
        }
        if (polygon->vertex_count() + 1 != polygon->ring().size()) std::abort();
    }
    (void)box;
    return 0;
}
