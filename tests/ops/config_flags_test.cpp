// load_config: defaults, then the --config file, then flags; --help.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "ops/config.h"
#include "ops/config_keys.h"
#include "support/temp_dir.h"

namespace yihu::ops {
namespace {

using namespace std::chrono_literals;

#define EXPECT_CONTAINS(text, part) \
    EXPECT_NE(std::string(text).find(part), std::string::npos) << "'" << (text) << "' lacks '" << (part) << "'"

struct Outcome {
    core::Result<LoadedConfig> result;
    std::string help;
};

Outcome run(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/yihu-server");
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    std::ostringstream help;
    auto result = load_config(static_cast<int>(argv.size()), argv.data(), help);
    return Outcome{std::move(result), help.str()};
}

std::string error_of(std::vector<std::string> args) {
    Outcome r = run(std::move(args));
    if (r.result.ok()) {
        ADD_FAILURE() << "accepted";
        return {};
    }
    EXPECT_EQ(r.result.error().code, core::ErrorCode::kInvalidArgument);
    return r.result.error().message;
}

TEST(LoadConfig, NoArgumentsGiveTheDefaults) {
    Outcome r = run({});
    ASSERT_TRUE(r.result.ok()) << r.result.error().message;
    EXPECT_FALSE(r.result->exit_now);
    EXPECT_EQ(r.result->config.server.address, "127.0.0.1");
    EXPECT_EQ(r.result->config.server.port, 8080);
    EXPECT_EQ(r.result->config.store.data_dir, std::filesystem::path("./yihu-data"));
    EXPECT_TRUE(r.help.empty());
}

TEST(LoadConfig, FlagsOverrideTheFile) {
    testing::TempDir dir;
    const auto file = dir.write("yihu.toml", R"toml(
[server]
port = 9000
city = "shenzhen"
[store]
data_dir = "/from/file"
[delivery]
ack_timeout = "5s"
[log]
level = "warn"
[[device]]
id = "hut-12"
latitude = 23.02
longitude = 113.75
kind = "drowning"
)toml");
    Outcome r =
        run({"--config", file.string(), "--port", "9100", "--delivery.ack_timeout=250ms", "--data-dir", "/from/flag",
             "--log-level", "trace", "--limits.http_body_limit", "8MiB", "--server.io_threads", "3"});
    ASSERT_TRUE(r.result.ok()) << r.result.error().message;
    const Config& c = r.result->config;
    EXPECT_EQ(c.server.port, 9100);
    EXPECT_EQ(c.server.city, "shenzhen");  // from the file, no flag
    EXPECT_EQ(c.server.io_threads, 3);
    EXPECT_EQ(c.store.data_dir, std::filesystem::path("/from/flag"));
    EXPECT_EQ(c.delivery.ack_timeout, 250ms);
    EXPECT_EQ(c.log.level, LogLevel::kTrace);
    EXPECT_EQ(c.limits.http_body_limit, 8u << 20);
    ASSERT_EQ(c.devices.size(), 1u);

    Outcome short_form = run({"-c", file.string(), "--server.port", "9200"});
    ASSERT_TRUE(short_form.result.ok()) << short_form.result.error().message;
    EXPECT_EQ(short_form.result->config.server.port, 9200);
}

TEST(LoadConfig, EveryKeyHasAFlag) {
    Outcome r = run({"--server.address=0.0.0.0",
                     "--server.port=1",
                     "--server.io_threads=8",
                     "--server.node_id=n2",
                     "--server.city=foshan",
                     "--store.data_dir=/d",
                     "--store.history_retention=1h",
                     "--auth.token_secret=k",
                     "--limits.http_body_limit=1MiB",
                     "--limits.ws_message_limit=1KiB",
                     "--limits.ws_send_queue_limit=2KiB",
                     "--limits.max_connections=10",
                     "--delivery.ack_timeout=1s",
                     "--delivery.max_retries=0",
                     "--delivery.heartbeat_interval=2s",
                     "--delivery.idle_timeout=3s",
                     "--delivery.position_interval=4s",
                     "--delivery.position_max_age=5s",
                     "--log.level=error",
                     "--redis.url=redis://r:6379",
                     "--demo.volunteers=50"});
    ASSERT_TRUE(r.result.ok()) << r.result.error().message;
    const Config& c = r.result->config;
    EXPECT_EQ(c.server.address, "0.0.0.0");
    EXPECT_EQ(c.server.port, 1);
    EXPECT_EQ(c.server.io_threads, 8);
    EXPECT_EQ(c.server.node_id, "n2");
    EXPECT_EQ(c.server.city, "foshan");
    EXPECT_EQ(c.store.data_dir, std::filesystem::path("/d"));
    EXPECT_EQ(c.store.history_retention, 1h);
    EXPECT_EQ(c.auth.token_secret, "k");
    EXPECT_EQ(c.limits.http_body_limit, 1u << 20);
    EXPECT_EQ(c.limits.ws_message_limit, 1u << 10);
    EXPECT_EQ(c.limits.ws_send_queue_limit, 2u << 10);
    EXPECT_EQ(c.limits.max_connections, 10u);
    EXPECT_EQ(c.delivery.ack_timeout, 1s);
    EXPECT_EQ(c.delivery.max_retries, 0);
    EXPECT_EQ(c.delivery.heartbeat_interval, 2s);
    EXPECT_EQ(c.delivery.idle_timeout, 3s);
    EXPECT_EQ(c.delivery.position_interval, 4s);
    EXPECT_EQ(c.delivery.position_max_age, 5s);
    EXPECT_EQ(c.log.level, LogLevel::kError);
    EXPECT_EQ(c.redis.url, "redis://r:6379");
    EXPECT_EQ(c.demo.volunteers, 50);

    Outcome secret_file = run({"--auth.token_secret_file", "/run/secrets/yihu"});
    ASSERT_TRUE(secret_file.result.ok());
    EXPECT_EQ(secret_file.result->config.auth.token_secret_file, std::filesystem::path("/run/secrets/yihu"));
}

TEST(LoadConfig, CrossChecksRunAfterTheFlags) {
    // The file alone is invalid (a WebSocket message larger than an HTTP body); the flag makes it valid.
    testing::TempDir dir;
    const auto file = dir.write("yihu.toml", "[limits]\nws_message_limit = \"8MiB\"\n");
    EXPECT_CONTAINS(error_of({"--config", file.string()}), "limits.ws_message_limit (8MiB) must not exceed");
    Outcome r = run({"--config", file.string(), "--limits.http_body_limit", "16MiB"});
    ASSERT_TRUE(r.result.ok()) << r.result.error().message;
    EXPECT_CONTAINS(error_of({"--limits.ws_message_limit", "5MiB"}), "limits.ws_message_limit");
}

TEST(LoadConfig, HelpListsEveryOptionWithItsDefault) {
    Outcome r = run({"--help"});
    ASSERT_TRUE(r.result.ok());
    EXPECT_TRUE(r.result->exit_now);
    EXPECT_EQ(r.result->exit_code, 0);
    for (const char* key : kEveryConfigKey) {
        const std::string flag = std::string("--") + key;
        const auto at = r.help.find(flag);
        ASSERT_NE(at, std::string::npos) << flag;
        EXPECT_TRUE(r.help[at + flag.size()] == ' ' || r.help[at + flag.size()] == ',') << flag;
    }
    for (const char* text : {"--port",
                             "--data-dir",
                             "--log-level",
                             "--config",
                             "--help",
                             "(default: 8080)",
                             "(default: 127.0.0.1)",
                             "(default: ./yihu-data)",
                             "(default: 72h)",
                             "(default: 4MiB)",
                             "(default: 64KiB)",
                             "(default: 1MiB)",
                             "(default: 18000)",
                             "(default: 10s)",
                             "(default: 10m)",
                             "(default: info)",
                             "(default: dongguan)",
                             "[[device]]",
                             "latitude",
                             "responders_wanted",
                             "missing_child",
                             "Usage: yihu-server"}) {
        EXPECT_CONTAINS(r.help, text);
    }
    // One line per option: every flag line carries its default.
    std::istringstream lines(r.help);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("  --") && !line.starts_with("  --help")) {
            EXPECT_CONTAINS(line, "(default: ");
        }
    }
    EXPECT_TRUE(run({"-h"}).result->exit_now);
    // --help wins over everything else, even a config file that does not exist.
    EXPECT_TRUE(run({"--config", "/nonexistent.toml", "--help"}).result->exit_now);
}

TEST(LoadConfig, FlagErrorsNameTheFlag) {
    EXPECT_CONTAINS(error_of({"--server.prot", "1"}), "server.prot");
    EXPECT_CONTAINS(error_of({"--serv", "1"}), "serv");  // no guessing of abbreviations
    EXPECT_CONTAINS(error_of({"--port", "http"}), "--port: 'http' is not a whole number");
    EXPECT_CONTAINS(error_of({"--server.port", "70000"}), "--server.port: must be between 0 and 65535");
    EXPECT_CONTAINS(error_of({"--server.port", "80x"}), "--server.port");
    EXPECT_CONTAINS(error_of({"--delivery.ack_timeout", "10"}), "--delivery.ack_timeout: '10' is not a duration");
    EXPECT_CONTAINS(error_of({"--limits.http_body_limit", "big"}), "--limits.http_body_limit: 'big' is not a size");
    EXPECT_CONTAINS(error_of({"--log-level", "loud"}), "--log-level: must be one of");
    EXPECT_CONTAINS(error_of({"--port", "1", "--server.port", "2"}), "--port and --server.port");
    EXPECT_CONTAINS(error_of({"--port", "1", "--port", "2"}), "port");
    EXPECT_CONTAINS(error_of({"stray"}), "unexpected argument 'stray'");
    EXPECT_FALSE(run({"--port"}).result.ok());
}

TEST(LoadConfig, ConfigFileErrorsNameTheFile) {
    testing::TempDir dir;
    const std::string missing = (dir.path() / "missing.toml").string();
    EXPECT_CONTAINS(error_of({"--config", missing}), "config file " + missing + " does not exist");
    EXPECT_CONTAINS(error_of({"--config", dir.path().string()}), "is a directory");

    const auto typo = dir.write("typo.toml", "[server]\n\nprot = 1\n");
    const std::string e = error_of({"--config", typo.string()});
    EXPECT_CONTAINS(e, typo.string() + ": line 3: unknown key 'prot'");

    const auto unreadable = dir.write("unreadable.toml", "[server]\n");
    std::filesystem::permissions(unreadable, std::filesystem::perms::none);
    if (::access(unreadable.c_str(), R_OK) != 0) {  // root reads anything: nothing to test then
        EXPECT_CONTAINS(error_of({"--config", unreadable.string()}), "cannot be read");
    }

    auto loaded = load_config_file(typo);
    ASSERT_FALSE(loaded.ok());
    EXPECT_CONTAINS(loaded.error().message, typo.string());
}

}  // namespace
}  // namespace yihu::ops
