#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace yihu::bench {

// Alert POST to the first responder's phone: `alerts` drowning alerts, one at a time, each timed from just before the
// dispatcher's request is sent until the first of the three nearest phones (on `phone_ports`, round robin) reads the
// push from its socket; each alert is resolved before the next. Phones ack every push, as real ones do.
struct AlertLatency {
    std::vector<std::int64_t> samples_ns;
    int missed = 0;  // alerts no phone received within 5 s
};
AlertLatency measure_alert_latency(const std::string& secret, const std::vector<std::uint16_t>& phone_ports,
                                   std::uint16_t dispatcher_port, int alerts);

// Position updates sustained: `phones` phones (spread over `phone_ports`) send position updates as fast as 4
// sender threads can write them, for `seconds`; the node that runs the hub counts what it applied
// (yihu_position_updates_total).
struct PositionRate {
    double sent_per_s = 0;
    double applied_per_s = 0;
};
PositionRate measure_position_rate(const std::string& secret, const std::vector<std::uint16_t>& phone_ports,
                                   std::uint16_t hub_port, int phones, double seconds);

}  // namespace yihu::bench
