#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "redis_connection.h"

namespace yihu::bench {

// Redis's own account of how long commands ran inside the server: no network, no client, no queueing.
// Both sources below are in whole microseconds per call.
class RedisServerStats {
  public:
    struct Totals {
        std::uint64_t calls = 0;
        std::uint64_t usec = 0;
    };

    explicit RedisServerStats(RedisConnection& connection) : connection_(connection) {}

    // CONFIG RESETSTAT: zeroes INFO commandstats.
    void reset_counters();
    // One command's calls and total microseconds since the last reset (INFO commandstats); `command` lower case.
    Totals totals(const std::string& command);
    // Logs every command from now on (slowlog-log-slower-than 0), keeping the last `capacity` calls.
    void start_slowlog(std::size_t capacity);
    // The logged durations (us) of `command`'s calls, then stops logging and frees the log.
    std::vector<std::int64_t> stop_slowlog(const std::string& command, std::size_t capacity);
    // INFO server's redis_version.
    std::string version();

  private:
    RedisConnection& connection_;
};

}  // namespace yihu::bench
