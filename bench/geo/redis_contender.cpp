#include "redis_contender.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "bench_constants.h"
#include "core/geo/sphere.h"

namespace yihu::bench {

namespace {

using core::geo::LatLng;

constexpr std::size_t kMembersPerCommand = 1000;
constexpr std::size_t kCommandsInFlight = 32;
// Redis measures distances on a sphere of this radius (src/geohash_helper.c), 0.028% larger than ours.
constexpr double kRedisEarthRadiusM = 6372797.560856;

std::string fixed(double value) {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 8);
    return std::string(buf, end);
}

template <class T>
T parse(const redisReply* r) {
    T value{};
    if (r->type != REDIS_REPLY_STRING || std::from_chars(r->str, r->str + r->len, value).ec != std::errc{})
        throw std::runtime_error("redis: unexpected reply element");
    return value;
}

// [[member, distance], ...] -> matches
void read_members_with_distance(const redisReply* reply, std::vector<core::Match>& out) {
    out.clear();
    for (std::size_t i = 0; i < reply->elements; ++i) {
        const redisReply* item = reply->element[i];
        out.push_back(core::Match{parse<core::VolunteerId>(item->element[0]), parse<double>(item->element[1])});
    }
}

}  // namespace

void RedisContender::load_key(const char* key, const Dataset& data, bool skilled_only) {
    std::vector<std::string> args;
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    std::size_t in_flight = 0;
    auto drain = [&](std::size_t keep) {
        for (; in_flight > keep; --in_flight) connection_.get_reply();
    };
    auto flush = [&] {
        if (args.size() <= 2) return;
        argv.clear();
        lens.clear();
        for (const std::string& a : args) {
            argv.push_back(a.data());
            lens.push_back(a.size());
        }
        connection_.append(static_cast<int>(argv.size()), argv.data(), lens.data());
        ++in_flight;
        drain(kCommandsInFlight);
        args.resize(2);
    };
    args = {"GEOADD", key};
    for (const Volunteer& v : data.volunteers) {
        if (skilled_only && (v.skills & kSkillUnderTest) == 0) continue;
        args.push_back(fixed(v.position.lon));
        args.push_back(fixed(v.position.lat));
        args.push_back(std::to_string(v.id));
        if ((args.size() - 2) / 3 == kMembersPerCommand) flush();
    }
    flush();
    drain(0);
}

void RedisContender::load(const Dataset& data, const std::vector<core::geo::Area>&) {
    connection_.command("FLUSHALL SYNC");
    load_key("vol", data, false);
    load_key("vol:skill0", data, true);
}

void RedisContender::move(core::VolunteerId id, LatLng to) {
    connection_.command("GEOADD vol %.8f %.8f %u", to.lon, to.lat, id);
}

void RedisContender::nearest_skilled(const core::geo::Circle& circle, std::size_t k, std::vector<core::Match>& out) {
    const RedisReply reply =
        connection_.command("GEOSEARCH vol:skill0 FROMLONLAT %.8f %.8f BYRADIUS %.3f m ASC COUNT %u WITHDIST",
                            circle.center().lon, circle.center().lat, circle.radius_m(), static_cast<unsigned>(k));
    read_members_with_distance(reply.get(), out);
}

void RedisContender::within(const core::geo::Circle& circle, std::vector<core::Match>& out) {
    const RedisReply reply = connection_.command("GEOSEARCH vol FROMLONLAT %.8f %.8f BYRADIUS %.3f m WITHDIST",
                                                 circle.center().lon, circle.center().lat, circle.radius_m());
    read_members_with_distance(reply.get(), out);
}

// BYBOX tests a point's north-south distance from the centre and its east-west distance along the point's own
// parallel, on Redis's sphere. Sizing the box from the bounding box's widest parallel, with 1% and 2 m to spare
// (geohash rounding is ~0.5 m), makes it cover the whole bounding box.
void RedisContender::within(const core::geo::Polygon& polygon, std::vector<core::Match>& out) {
    const core::geo::LatLngBox& b = polygon.bounds();
    const double m_per_deg = kRedisEarthRadiusM * core::geo::kDegToRad;
    const bool straddles_equator = b.lat_lo < 0 && b.lat_hi > 0;
    const double widest_cos =
        straddles_equator ? 1.0 : std::cos(std::min(std::abs(b.lat_lo), std::abs(b.lat_hi)) * core::geo::kDegToRad);
    const double height_m = b.lat_span() * m_per_deg * 1.01 + 2.0;
    const double width_m = b.lon_span() * m_per_deg * widest_cos * 1.01 + 2.0;
    const LatLng center{(b.lat_lo + b.lat_hi) * 0.5, (b.lon_lo + b.lon_hi) * 0.5};
    const RedisReply reply = connection_.command("GEOSEARCH vol FROMLONLAT %.8f %.8f BYBOX %.3f %.3f m WITHCOORD",
                                                 center.lon, center.lat, width_m, height_m);
    out.clear();
    for (std::size_t i = 0; i < reply->elements; ++i) {
        const redisReply* item = reply->element[i];
        const redisReply* coord = item->element[1];
        const LatLng p{parse<double>(coord->element[1]), parse<double>(coord->element[0])};
        if (polygon.contains(p)) out.push_back(core::Match{parse<core::VolunteerId>(item->element[0]), 0.0});
    }
}

void RedisContender::roam(core::VolunteerId, LatLng, std::vector<core::AlertKey>&) {
    throw std::logic_error("redis has no area-containment query: roam_1000 does not apply");
}

}  // namespace yihu::bench
