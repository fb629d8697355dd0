#include "redis_server_stats.h"

#include <strings.h>

#include <charconv>
#include <string_view>

namespace yihu::bench {

namespace {

// The value of `key=` in a line like "cmdstat_geoadd:calls=10,usec=25,usec_per_call=2.50,...".
std::uint64_t field(std::string_view line, std::string_view key) {
    const std::size_t at = line.find(key);
    if (at == std::string_view::npos) return 0;
    std::uint64_t value = 0;
    const char* begin = line.data() + at + key.size();
    std::from_chars(begin, line.data() + line.size(), value);
    return value;
}

std::string_view text(const redisReply* r) {
    return r->str ? std::string_view(r->str, r->len) : std::string_view();
}

}  // namespace

void RedisServerStats::reset_counters() {
    connection_.command("CONFIG RESETSTAT");
}

RedisServerStats::Totals RedisServerStats::totals(const std::string& command) {
    const RedisReply info = connection_.command("INFO commandstats");
    const std::string_view all = text(info.get());
    const std::string prefix = "cmdstat_" + command + ":";
    const std::size_t at = all.find(prefix);
    if (at == std::string_view::npos) return {};
    const std::string_view line = all.substr(at, all.find('\n', at) - at);
    return Totals{field(line, "calls="), field(line, "usec=")};
}

void RedisServerStats::start_slowlog(std::size_t capacity) {
    connection_.command("CONFIG SET slowlog-max-len %llu", static_cast<unsigned long long>(capacity));
    connection_.command("SLOWLOG RESET");
    connection_.command("CONFIG SET slowlog-log-slower-than 0");
}

std::vector<std::int64_t> RedisServerStats::stop_slowlog(const std::string& command, std::size_t capacity) {
    connection_.command("CONFIG SET slowlog-log-slower-than 10000");  // the default
    const RedisReply log = connection_.command("SLOWLOG GET %llu", static_cast<unsigned long long>(capacity));
    std::vector<std::int64_t> durations;
    // Entries are newest first: [id, unix time, duration us, [argv...], client address, client name].
    for (std::size_t i = log->elements; i-- > 0;) {
        const redisReply* entry = log->element[i];
        if (entry->type != REDIS_REPLY_ARRAY || entry->elements < 4) continue;
        const redisReply* argv = entry->element[3];
        if (argv->type != REDIS_REPLY_ARRAY || argv->elements == 0) continue;
        const std::string_view name = text(argv->element[0]);
        if (name.size() != command.size() || strncasecmp(name.data(), command.data(), name.size()) != 0) continue;
        durations.push_back(entry->element[2]->integer);
    }
    connection_.command("SLOWLOG RESET");
    connection_.command("CONFIG SET slowlog-max-len 128");  // the default
    return durations;
}

std::string RedisServerStats::version() {
    const RedisReply info = connection_.command("INFO server");
    const std::string_view all = text(info.get());
    const std::string_view key = "redis_version:";
    const std::size_t at = all.find(key);
    if (at == std::string_view::npos) return "unknown";
    const std::size_t from = at + key.size();
    return std::string(all.substr(from, all.find_first_of("\r\n", from) - from));
}

}  // namespace yihu::bench
