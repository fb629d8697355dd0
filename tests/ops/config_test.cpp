// The TOML file: every key, the defaults, and every validation error (whose message must name the key).
#include "ops/config.h"

#include <gtest/gtest.h>

#include <string>

#include "core/alert/alert.h"
#include "ops/config_keys.h"

namespace yihu::ops {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFullFile = R"toml(
[server]
address = "0.0.0.0"
port = 9000
io_threads = 4
node_id = "node-7"
city = "shenzhen"

[store]
data_dir = "/var/lib/yihu"
history_retention = "48h"

[auth]
token_secret = "s3cret"
token_secret_file = ""

[limits]
http_body_limit = "8MiB"
ws_message_limit = "128KiB"
ws_send_queue_limit = "2MiB"
max_connections = 20000

[delivery]
ack_timeout = "5s"
max_retries = 3
heartbeat_interval = "20s"
idle_timeout = "45s"
position_interval = "15s"
position_max_age = "5m"

[log]
level = "debug"

[redis]
url = "redis://127.0.0.1:6379"

[demo]
volunteers = 200

[[device]]
id = "hut-12"
name = "Dongjiang north bank hut 12"
latitude = 23.02
longitude = 113.75
kind = "drowning"
responders_wanted = 4

[[device]]
id = "school-3"
latitude = 23
longitude = 114
kind = "missing_child"
)toml";

// The error of a file that must be rejected; fails the test if it is accepted.
std::string error_of(const std::string& toml) {
    auto config = parse_config_toml(toml);
    if (config.ok()) {
        ADD_FAILURE() << "accepted:\n" << toml;
        return {};
    }
    EXPECT_EQ(config.error().code, core::ErrorCode::kInvalidArgument);
    return config.error().message;
}

#define EXPECT_CONTAINS(text, part) \
    EXPECT_NE(std::string(text).find(part), std::string::npos) << "'" << (text) << "' lacks '" << (part) << "'"

TEST(ConfigToml, DefaultsWithoutAFile) {
    auto parsed = parse_config_toml("");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const Config& c = *parsed;
    EXPECT_EQ(c.server.address, "127.0.0.1");
    EXPECT_EQ(c.server.port, 8080);
    EXPECT_EQ(c.server.io_threads, 2);
    EXPECT_EQ(c.server.node_id, "node-1");
    EXPECT_EQ(c.server.city, "dongguan");
    EXPECT_EQ(c.store.data_dir, std::filesystem::path("./yihu-data"));
    EXPECT_EQ(c.store.history_retention, 72h);
    EXPECT_EQ(c.auth.token_secret, "");
    EXPECT_EQ(c.auth.token_secret_file, std::filesystem::path());
    EXPECT_EQ(c.limits.http_body_limit, 4u << 20);
    EXPECT_EQ(c.limits.ws_message_limit, 64u << 10);
    EXPECT_EQ(c.limits.ws_send_queue_limit, 1u << 20);
    EXPECT_EQ(c.limits.max_connections, 18000u);
    EXPECT_EQ(c.delivery.ack_timeout, 10s);
    EXPECT_EQ(c.delivery.max_retries, 5);
    EXPECT_EQ(c.delivery.heartbeat_interval, 25s);
    EXPECT_EQ(c.delivery.idle_timeout, 60s);
    EXPECT_EQ(c.delivery.position_interval, 10s);
    EXPECT_EQ(c.delivery.position_max_age, 10min);
    EXPECT_EQ(c.log.level, LogLevel::kInfo);
    EXPECT_EQ(c.redis.url, "");
    EXPECT_EQ(c.demo.volunteers, 0);
    EXPECT_TRUE(c.devices.empty());
    EXPECT_TRUE(validate(Config{}).ok());
}

TEST(ConfigToml, ReadsEveryKey) {
    auto parsed = parse_config_toml(kFullFile);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const Config& c = *parsed;
    EXPECT_EQ(c.server.address, "0.0.0.0");
    EXPECT_EQ(c.server.port, 9000);
    EXPECT_EQ(c.server.io_threads, 4);
    EXPECT_EQ(c.server.node_id, "node-7");
    EXPECT_EQ(c.server.city, "shenzhen");
    EXPECT_EQ(c.store.data_dir, std::filesystem::path("/var/lib/yihu"));
    EXPECT_EQ(c.store.history_retention, 48h);
    EXPECT_EQ(c.auth.token_secret, "s3cret");
    EXPECT_EQ(c.limits.http_body_limit, 8u << 20);
    EXPECT_EQ(c.limits.ws_message_limit, 128u << 10);
    EXPECT_EQ(c.limits.ws_send_queue_limit, 2u << 20);
    EXPECT_EQ(c.limits.max_connections, 20000u);
    EXPECT_EQ(c.delivery.ack_timeout, 5s);
    EXPECT_EQ(c.delivery.max_retries, 3);
    EXPECT_EQ(c.delivery.heartbeat_interval, 20s);
    EXPECT_EQ(c.delivery.idle_timeout, 45s);
    EXPECT_EQ(c.delivery.position_interval, 15s);
    EXPECT_EQ(c.delivery.position_max_age, 5min);
    EXPECT_EQ(c.log.level, LogLevel::kDebug);
    EXPECT_EQ(c.redis.url, "redis://127.0.0.1:6379");
    EXPECT_EQ(c.demo.volunteers, 200);
    ASSERT_EQ(c.devices.size(), 2u);
    EXPECT_EQ(c.devices[0].id, "hut-12");
    EXPECT_EQ(c.devices[0].name, "Dongjiang north bank hut 12");
    EXPECT_DOUBLE_EQ(c.devices[0].position.lat, 23.02);
    EXPECT_DOUBLE_EQ(c.devices[0].position.lon, 113.75);
    EXPECT_EQ(c.devices[0].kind, core::AlertKind::kDrowning);
    EXPECT_EQ(c.devices[0].responders_wanted, 4u);
    // Optional device keys: the name defaults to the id, responders_wanted to 3; integer degrees are fine.
    EXPECT_EQ(c.devices[1].name, "school-3");
    EXPECT_EQ(c.devices[1].kind, core::AlertKind::kMissingChild);
    EXPECT_EQ(c.devices[1].responders_wanted, 3u);
    EXPECT_DOUBLE_EQ(c.devices[1].position.lat, 23.0);

    const core::Device device = to_core_device(c.devices[0]);
    EXPECT_EQ(device.id, "hut-12");
    EXPECT_EQ(device.responders_wanted, 4u);
    EXPECT_EQ(device.position, c.devices[0].position);
}

TEST(ConfigToml, CapAndTlsSectionsReachTheConfig) {
    auto parsed = parse_config_toml(R"(
[tls]
cert_file = "/etc/yihu/node.pem"
key_file = "/etc/yihu/node.key"
ca_file = "/etc/yihu/peers-ca.pem"
[cap]
sender = "yihu.laiwu.example.cn"
base_url = "https://yihu.laiwu.example.cn/"
languages = ["en"]
[[cap.kind]]
event = "Flood"
kind = "drowning"
)");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->tls.cert_file, std::filesystem::path("/etc/yihu/node.pem"));
    EXPECT_EQ(parsed->tls.key_file, std::filesystem::path("/etc/yihu/node.key"));
    EXPECT_EQ(parsed->tls.ca_file, std::filesystem::path("/etc/yihu/peers-ca.pem"));
    EXPECT_EQ(parsed->cap.export_options.sender, "yihu.laiwu.example.cn");
    EXPECT_EQ(parsed->cap.export_options.base_url, "https://yihu.laiwu.example.cn") << "no trailing slash";
    EXPECT_EQ(parsed->cap.import.languages, std::vector<std::string>{"en"});
    ASSERT_FALSE(parsed->cap.import.kinds.rules().empty());
    EXPECT_EQ(parsed->cap.import.kinds.rules().front().event, "Flood");

    auto bad = parse_config_toml("[cap]\nsender = \"two words\"\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("cap.sender"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("line 1"), std::string::npos) << bad.error().message;
}

TEST(ConfigToml, SecretFileAndSizesAsIntegers) {
    auto parsed = parse_config_toml(
        "[auth]\ntoken_secret_file = \"/run/secrets/yihu\"\n[limits]\n"
        "http_body_limit = 1048576\nws_message_limit = \"512\"\n");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->auth.token_secret_file, std::filesystem::path("/run/secrets/yihu"));
    EXPECT_EQ(parsed->limits.http_body_limit, 1u << 20);
    EXPECT_EQ(parsed->limits.ws_message_limit, 512u);
}

TEST(ConfigToml, EveryLogLevelAndKind) {
    for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
        auto parsed = parse_config_toml(std::string("[log]\nlevel = \"") + level + "\"\n");
        ASSERT_TRUE(parsed.ok()) << level;
        EXPECT_EQ(to_string(parsed->log.level), level);
    }
    for (const char* kind : {"missing_person", "missing_child", "drowning", "suspect", "disaster", "general"}) {
        auto parsed = parse_config_toml(std::string("[[device]]\nid = \"d\"\nlatitude = 1\nlongitude = 2\nkind = \"") +
                                        kind + "\"\n");
        ASSERT_TRUE(parsed.ok()) << kind;
        EXPECT_EQ(core::to_string(parsed->devices.at(0).kind), kind);
    }
}

TEST(ConfigToml, TyposAreErrorsWithTheirLine) {
    std::string e = error_of("[server]\nprot = 8080\n");
    EXPECT_CONTAINS(e, "line 2");
    EXPECT_CONTAINS(e, "unknown key 'prot' in [server]");
    EXPECT_CONTAINS(e, "port");  // the known keys are listed

    e = error_of("[serverr]\nport = 8080\n");
    EXPECT_CONTAINS(e, "unknown section [serverr]");

    e = error_of("port = 8080\n");
    EXPECT_CONTAINS(e, "unknown key 'port' outside any section");

    e = error_of("[server.tls]\ncert = \"x\"\n");
    EXPECT_CONTAINS(e, "unknown key 'tls' in [server]");

    e = error_of("[[device]]\nid = \"a\"\nlatitude = 1\nlongitude = 2\nkind = \"general\"\nlat = 3\n");
    EXPECT_CONTAINS(e, "unknown key 'lat' in [[device]]");

    e = error_of("[device]\nid = \"a\"\n");
    EXPECT_CONTAINS(e, "[[device]]");

    e = error_of("server = 3\n");
    EXPECT_CONTAINS(e, "[server] must be a table");
}

TEST(ConfigToml, SyntaxErrorsGiveLineAndColumn) {
    const std::string e = error_of("[server]\nport = = 3\n");
    EXPECT_CONTAINS(e, "line 2, column");
}

TEST(ConfigToml, WrongTypesNameTheKey) {
    EXPECT_CONTAINS(error_of("[server]\nport = \"8080\"\n"), "server.port must be an integer");
    EXPECT_CONTAINS(error_of("[server]\naddress = 1\n"), "server.address must be a string, got an integer");
    EXPECT_CONTAINS(error_of("[delivery]\nack_timeout = 10\n"), "delivery.ack_timeout must be a string with a unit");
    EXPECT_CONTAINS(error_of("[limits]\nhttp_body_limit = 1.5\n"), "limits.http_body_limit must be a size");
    EXPECT_CONTAINS(error_of("[log]\nlevel = true\n"), "log.level must be a string, got a boolean");
    EXPECT_CONTAINS(error_of("[[device]]\nid = 5\n"), "device.id must be a string");
    EXPECT_CONTAINS(error_of("[[device]]\nid = \"a\"\nlatitude = \"23\"\n"), "device.latitude must be a number");
}

TEST(ConfigToml, RangesNameTheKey) {
    EXPECT_CONTAINS(error_of("[server]\nport = 65536\n"), "server.port: must be between 0 and 65535, got 65536");
    EXPECT_CONTAINS(error_of("[server]\nport = -1\n"), "server.port");
    EXPECT_TRUE(parse_config_toml("[server]\nport = 0\n").ok());  // ephemeral port, for tests
    EXPECT_TRUE(parse_config_toml("[server]\nport = 65535\n").ok());
    EXPECT_CONTAINS(error_of("[server]\nio_threads = 0\n"), "server.io_threads: must be between 1 and 64");
    EXPECT_CONTAINS(error_of("[server]\nio_threads = 65\n"), "server.io_threads");
    EXPECT_TRUE(parse_config_toml("[server]\nio_threads = 64\n").ok());
    EXPECT_CONTAINS(error_of("[limits]\nmax_connections = 0\n"), "limits.max_connections");
    EXPECT_CONTAINS(error_of("[delivery]\nmax_retries = -1\n"), "delivery.max_retries");
    EXPECT_CONTAINS(error_of("[demo]\nvolunteers = -3\n"), "demo.volunteers");
    EXPECT_CONTAINS(error_of("[server]\naddress = \"\"\n"), "server.address: must not be empty");
    EXPECT_CONTAINS(error_of("[server]\ncity = \"dong guan\"\n"), "server.city");
    EXPECT_CONTAINS(error_of("[server]\nnode_id = \"\"\n"), "server.node_id");
    EXPECT_CONTAINS(error_of("[store]\ndata_dir = \"\"\n"), "store.data_dir");
}

TEST(ConfigToml, LimitsMustBePositiveAndConsistent) {
    for (const char* key : {"http_body_limit", "ws_message_limit", "ws_send_queue_limit"}) {
        const std::string e = error_of(std::string("[limits]\n") + key + " = \"0KiB\"\n");
        EXPECT_CONTAINS(e, std::string("limits.") + key + ": must be larger than 0");
    }
    const std::string e = error_of("[limits]\nhttp_body_limit = \"64KiB\"\nws_message_limit = \"1MiB\"\n");
    EXPECT_CONTAINS(e, "limits.ws_message_limit (1MiB) must not exceed limits.http_body_limit (64KiB)");
    EXPECT_TRUE(parse_config_toml("[limits]\nhttp_body_limit = \"64KiB\"\nws_message_limit = \"64KiB\"\n").ok());
}

TEST(ConfigToml, DurationsMustBePositiveAndParse) {
    for (const char* key :
         {"ack_timeout", "heartbeat_interval", "idle_timeout", "position_interval", "position_max_age"}) {
        EXPECT_CONTAINS(error_of(std::string("[delivery]\n") + key + " = \"0s\"\n"),
                        std::string("delivery.") + key + ": must be longer than 0");
        EXPECT_CONTAINS(error_of(std::string("[delivery]\n") + key + " = \"ten seconds\"\n"),
                        std::string("delivery.") + key + ": 'ten seconds' is not a duration");
    }
    EXPECT_CONTAINS(error_of("[store]\nhistory_retention = \"0h\"\n"), "store.history_retention");
    EXPECT_CONTAINS(error_of("[store]\nhistory_retention = \"3 days\"\n"), "store.history_retention");
    EXPECT_CONTAINS(error_of("[limits]\nhttp_body_limit = \"4MB\"\n"), "limits.http_body_limit: '4MB' is not a size");
}

TEST(ConfigToml, TimersMustFitTogether) {
    EXPECT_CONTAINS(error_of("[delivery]\nheartbeat_interval = \"60s\"\nidle_timeout = \"60s\"\n"),
                    "delivery.heartbeat_interval (1m) must be shorter than delivery.idle_timeout (1m)");
    EXPECT_CONTAINS(error_of("[delivery]\nposition_interval = \"10m\"\n"),
                    "delivery.position_interval (10m) must be shorter than delivery.position_max_age (10m)");
}

TEST(ConfigToml, LogLevelMustBeKnown) {
    EXPECT_CONTAINS(error_of("[log]\nlevel = \"verbose\"\n"),
                    "log.level: must be one of trace, debug, info, warn, error; got 'verbose'");
    EXPECT_CONTAINS(error_of("[log]\nlevel = \"INFO\"\n"), "log.level");
}

TEST(ConfigToml, SecretGivenTwiceIsAnError) {
    EXPECT_CONTAINS(error_of("[auth]\ntoken_secret = \"a\"\ntoken_secret_file = \"/f\"\n"),
                    "auth.token_secret and auth.token_secret_file are both set");
}

TEST(ConfigToml, ClusterNodeNeedsASharedSecretAndASaneLease) {
    // A node that generated its own secret would reject every other node's tokens.
    EXPECT_CONTAINS(error_of("[redis]\nurl = \"redis://127.0.0.1:6379\"\n"),
                    "a cluster node (redis.url set) needs auth.token_secret_file");
    const std::string clustered =
        "[auth]\ntoken_secret_file = \"/etc/yihu/token-secret\"\n[redis]\nurl = \"redis://h\"\n";
    EXPECT_CONTAINS(error_of(clustered + "lease_ttl = \"500ms\"\n"), "redis.lease_ttl must be at least 1s");
    EXPECT_CONTAINS(error_of(clustered + "lease_ttl = \"0s\"\n"), "redis.lease_ttl");
    auto ok = parse_config_toml(clustered + "lease_ttl = \"3s\"\n");
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->redis.lease_ttl, std::chrono::seconds(3));
}

TEST(ConfigToml, DevicesAreChecked) {
    const std::string head = "[[device]]\nid = \"hut-1\"\n";
    EXPECT_CONTAINS(error_of(head + "latitude = 91\nlongitude = 0\nkind = \"drowning\"\n"),
                    "device 'hut-1': device.latitude must be a finite number from -90 to 90");
    EXPECT_CONTAINS(error_of(head + "latitude = 0\nlongitude = -180.5\nkind = \"drowning\"\n"),
                    "device.longitude must be a finite number from -180 to 180");
    EXPECT_CONTAINS(error_of(head + "latitude = nan\nlongitude = 0\nkind = \"drowning\"\n"), "device.latitude");
    EXPECT_CONTAINS(error_of(head + "latitude = 0\nlongitude = inf\nkind = \"drowning\"\n"), "device.longitude");
    EXPECT_CONTAINS(error_of(head + "latitude = 0\nlongitude = 0\nkind = \"flood\"\n"),
                    "device.kind must be one of missing_person");
    EXPECT_CONTAINS(error_of(head + "latitude = 0\nlongitude = 0\nkind = \"drowning\"\nresponders_wanted = 0\n"),
                    "device.responders_wanted");
    EXPECT_CONTAINS(error_of(head + "longitude = 0\nkind = \"drowning\"\n"), "device.latitude is missing");
    EXPECT_CONTAINS(error_of("[[device]]\nlatitude = 0\nlongitude = 0\nkind = \"drowning\"\n"), "device.id is missing");
    EXPECT_CONTAINS(error_of(head + "latitude = 0\nlongitude = 0\n"), "device.kind is missing");
    EXPECT_CONTAINS(error_of("[[device]]\nid = \"a b\"\nlatitude = 0\nlongitude = 0\nkind = \"general\"\n"),
                    "device.id must not contain spaces");
    const std::string device = head + "latitude = 0\nlongitude = 0\nkind = \"general\"\n";
    EXPECT_CONTAINS(error_of(device + device), "device.id 'hut-1' is used by two devices");
}

TEST(ConfigValidate, ChecksAConfigBuiltInCode) {
    Config c;
    c.server.io_threads = 0;
    auto s = validate(c);
    ASSERT_FALSE(s.ok());
    EXPECT_CONTAINS(s.error().message, "server.io_threads");

    c = Config{};
    c.delivery.ack_timeout = std::chrono::milliseconds(-5);
    EXPECT_FALSE(validate(c).ok());

    c = Config{};
    c.devices.push_back(DeviceConfig{.id = "x", .name = "x", .position = {95, 0}});
    s = validate(c);
    ASSERT_FALSE(s.ok());
    EXPECT_CONTAINS(s.error().message, "device.latitude");
}

TEST(ConfigDescribe, OneLinePerKeyWithoutSecrets) {
    auto parsed = parse_config_toml(kFullFile);
    ASSERT_TRUE(parsed.ok());
    Config c = *parsed;
    c.redis.url = "redis://user:hunter2@cache:6379/0";
    const std::string text = describe(c);
    EXPECT_CONTAINS(text, "server.port = 9000\n");
    EXPECT_CONTAINS(text, "store.history_retention = 48h\n");
    EXPECT_CONTAINS(text, "limits.http_body_limit = 8MiB\n");
    EXPECT_CONTAINS(text, "log.level = debug\n");
    EXPECT_CONTAINS(text, "auth.token_secret = (set)\n");
    EXPECT_CONTAINS(text, "redis.url = redis://user:***@cache:6379/0\n");
    EXPECT_CONTAINS(text, "device hut-12 = \"Dongjiang north bank hut 12\" at 23.02,113.75 drowning");
    EXPECT_EQ(text.find("s3cret"), std::string::npos);
    EXPECT_EQ(text.find("hunter2"), std::string::npos);

    for (const char* key : kEveryConfigKey) {
        EXPECT_CONTAINS(text, std::string(key) + " = ");
    }

    EXPECT_CONTAINS(describe(Config{}), "auth.token_secret = (generated)\n");
    Config from_file;
    from_file.auth.token_secret_file = "/run/secrets/yihu";
    EXPECT_CONTAINS(describe(from_file), "auth.token_secret = (from auth.token_secret_file)\n");
    Config password_only;
    password_only.redis.url = "redis://:hunter2@cache";
    EXPECT_CONTAINS(describe(password_only), "redis.url = redis://:***@cache\n");
}

}  // namespace
}  // namespace yihu::ops
