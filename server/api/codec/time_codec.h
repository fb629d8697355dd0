#pragma once

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include "core/time.h"

namespace yihu::api {

inline void to_proto(core::Time t, google::protobuf::Timestamp* out) {
    const std::int64_t ms = core::to_ms(t);
    std::int64_t seconds = ms / 1000;
    std::int64_t rem = ms % 1000;
    if (rem < 0) {
        rem += 1000;
        --seconds;
    }
    out->set_seconds(seconds);
    out->set_nanos(static_cast<std::int32_t>(rem * 1'000'000));
}

inline core::Time from_proto(const google::protobuf::Timestamp& t) {
    return core::time_from_ms(t.seconds() * 1000 + t.nanos() / 1'000'000);
}

inline void to_proto(core::Duration d, google::protobuf::Duration* out) {
    out->set_seconds(d.count() / 1000);
    out->set_nanos(static_cast<std::int32_t>((d.count() % 1000) * 1'000'000));
}

inline core::Duration from_proto(const google::protobuf::Duration& d) {
    return core::Duration{d.seconds() * 1000 + d.nanos() / 1'000'000};
}

}  // namespace yihu::api
